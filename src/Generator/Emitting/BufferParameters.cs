using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emitting;

/// <summary>The parameter lists, arguments and <c>&lt;param&gt;</c> tags of <see cref="KernelBuffers"/>, for every emitter.</summary>
internal static class BufferParameters
{
    /// <summary>Host declarations such as <c>ReadOnlySpan&lt;Half&gt; q, ..., Span&lt;Half&gt; output</c>, of <paramref name="element"/> where the buffer holds elements and fp32 otherwise.</summary>
    public static string HostSpans(IEnumerable<KernelBuffer> buffers, string element) =>
        string.Join(", ", buffers.Select(buffer =>
            $"global::System.{(buffer.IsOutput ? "Span" : "ReadOnlySpan")}<{(buffer.IsElement ? element : "float")}> {buffer.Name}"));

    /// <summary>Device declarations such as <c>ArrayView&lt;Half&gt; q</c>, of <paramref name="element"/> where the buffer holds elements and fp32 otherwise.</summary>
    public static string DeviceViews(IEnumerable<KernelBuffer> buffers, string element) =>
        string.Join(", ", buffers.Select(buffer => $"global::ILGPU.ArrayView<{(buffer.IsElement ? element : "float")}> {buffer.Name}"));

    /// <summary>The names, as arguments passed on.</summary>
    public static string Arguments(IEnumerable<KernelBuffer> buffers) => string.Join(", ", buffers.Select(buffer => buffer.Name));

    /// <summary>One <c>&lt;param&gt;</c> tag per buffer, a line each.</summary>
    public static string Documentation(IEnumerable<KernelBuffer> buffers) =>
        string.Join("\n", buffers.Select(buffer => $"/// <param name=\"{buffer.Name}\">{buffer.Documentation}</param>"));
}
