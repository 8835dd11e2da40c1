using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emitting;

/// <summary>The parameter lists, arguments and <c>&lt;param&gt;</c> tags of <see cref="KernelBuffers"/>, for every emitter.</summary>
internal static class BufferParameters
{
    public const string DeviceView = "global::ILGPU.ArrayView<float>";
    public const string HostInput = "global::System.ReadOnlySpan<float>";
    public const string HostOutput = "global::System.Span<float>";

    /// <summary>Declarations such as <c>ReadOnlySpan&lt;float&gt; q, ..., Span&lt;float&gt; output</c>.</summary>
    public static string Declarations(IEnumerable<KernelBuffer> buffers, string inputType, string outputType) =>
        string.Join(", ", buffers.Select(buffer => $"{(buffer.IsOutput ? outputType : inputType)} {buffer.Name}"));

    /// <summary>
    /// Host span declarations: the element buffers (<see cref="KernelBuffer.IsElement"/>) as spans of
    /// <paramref name="element"/>'s host type (<see cref="ElementTypes.Host"/>), sink logits and log-sum-exp as fp32 spans.
    /// </summary>
    public static string HostDeclarations(IEnumerable<KernelBuffer> buffers, AttentionElement element) =>
        string.Join(", ", buffers.Select(buffer =>
        {
            var type = buffer.IsElement ? ElementTypes.Host(element) : "float";
            return $"{(buffer.IsOutput ? $"global::System.Span<{type}>" : $"global::System.ReadOnlySpan<{type}>")} {buffer.Name}";
        }));

    /// <summary>The names, as arguments passed on.</summary>
    public static string Arguments(IEnumerable<KernelBuffer> buffers) => string.Join(", ", buffers.Select(buffer => buffer.Name));

    /// <summary>One <c>&lt;param&gt;</c> tag per buffer, a line each.</summary>
    public static string Documentation(IEnumerable<KernelBuffer> buffers) =>
        string.Join("\n", buffers.Select(buffer => $"/// <param name=\"{buffer.Name}\">{buffer.Documentation}</param>"));
}
