using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emitting;

/// <summary>
/// Emits a spec's CPU kernel API: <c>ForwardCpu</c> and
/// <c>ForwardCpuWithRuntimeWindow</c> (each with and without the log-sum-exp), <c>VisiblePairs</c>, and
/// <c>Forward(KernelGenDevice, ...)</c>, which runs either kernel on host memory. The kernel body is the
/// runtime's <c>CpuAttention</c>, generic over the constants and window structs that <see cref="KernelEmitter"/> emits, so the JIT compiles one body per
/// spec with every constant folded in, as ILGPU does for the GPU kernel.
/// </summary>
internal static class CpuKernelEmitter
{
    private const string Options = "global::KernelGen.CpuAttentionOptions";
    private const string Shape = "global::KernelGen.AttentionShape";

    public static string Emit(KernelSpec spec)
    {
        var writer = new SourceWriter();
        using (TypeShell.Open(writer, spec, System.Array.Empty<string>()))
        {
            WriteVisiblePairs(writer);
            writer.WriteLine();
            WriteForward(writer, spec, withLogSumExp: false);
            writer.WriteLine();
            WriteForward(writer, spec, withLogSumExp: true);
            writer.WriteLine();
            WriteRuntimeWindowForward(writer, spec, withLogSumExp: false);
            writer.WriteLine();
            WriteRuntimeWindowForward(writer, spec, withLogSumExp: true);
            writer.WriteLine();
            WriteDeviceForward(writer, spec, withLogSumExp: false);
            writer.WriteLine();
            WriteDeviceForward(writer, spec, withLogSumExp: true);
            writer.WriteLine();
            WriteVarlenForward(writer, spec, withLogSumExp: false);
            writer.WriteLine();
            WriteVarlenForward(writer, spec, withLogSumExp: true);
        }

        return writer.ToString();
    }

    private static void WriteVisiblePairs(SourceWriter writer) => writer.WriteLine("""
        /// <summary>
        /// The exact number of (query, key) pairs this spec's window shows for these lengths, in closed form: the work the
        /// kernels do, and what a FLOP count should use (4 · HeadDim · heads · pairs).
        /// </summary>
        /// <param name="seqQ">Queries per sequence.</param>
        /// <param name="seqK">Keys per sequence.</param>
        public static long VisiblePairs(int seqQ, int seqK) => Window.VisiblePairs(seqQ, seqK);
        """);

    private static void WriteForward(SourceWriter writer, KernelSpec spec, bool withLogSumExp)
    {
        var buffers = KernelBuffers.For(spec, withLogSumExp);
        var summary = withLogSumExp
            ? "Runs attention on the CPU and writes the log-sum-exp"
            : "Runs attention on the CPU";
        writer.WriteLine($$"""
            /// <summary>
            /// {{summary}}: SIMD, on every core (or <paramref name="options"/>' threads), with this spec's window, head size
            /// and score steps compiled in. Returns when done; thread-safe.
            /// </summary>
            {{BufferParameters.Documentation(buffers)}}
            {{ShapeAndOptionsDocumentation}}
            public static void ForwardCpu({{BufferParameters.HostSpans(buffers, ElementTypes.Host(spec.Element))}}, {{Shape}} shape, {{Options}}? options = null) =>
                global::KernelGen.CpuAttention.Forward(
                    default({{KernelEmitter.BakedConstants}}), default({{KernelEmitter.BakedWindow}}), Alignment,
                    {{Arguments(spec, withLogSumExp)}}, shape, writesLogSumExp: {{CSharpLiteral.Of(withLogSumExp)}}, options);
            """);
    }

    private static void WriteRuntimeWindowForward(SourceWriter writer, KernelSpec spec, bool withLogSumExp)
    {
        var buffers = KernelBuffers.For(spec, withLogSumExp);
        writer.WriteLine($$"""
            /// <summary>
            /// Runs the same CPU kernel body{{(withLogSumExp ? ", writing the log-sum-exp," : string.Empty)}} with <paramref name="window"/> passed at run time instead of this spec's window:
            /// for windows chosen at run time, and to measure what baking the window saves. The head size and score steps
            /// stay this spec's.
            /// </summary>
            {{BufferParameters.Documentation(buffers)}}
            /// <param name="window">The window to apply instead of <see cref="Window"/>.</param>
            {{ShapeAndOptionsDocumentation}}
            public static void ForwardCpuWithRuntimeWindow({{BufferParameters.HostSpans(buffers, ElementTypes.Host(spec.Element))}}, global::KernelGen.AttentionWindow window, {{Shape}} shape, {{Options}}? options = null) =>
                global::KernelGen.CpuAttention.Forward(
                    default({{KernelEmitter.BakedConstants}}), new global::KernelGen.RuntimeWindowBounds(window), window.Alignment,
                    {{Arguments(spec, withLogSumExp)}}, shape, writesLogSumExp: {{CSharpLiteral.Of(withLogSumExp)}}, options);
            """);
    }

    private static void WriteDeviceForward(SourceWriter writer, KernelSpec spec, bool withLogSumExp)
    {
        var buffers = KernelBuffers.For(spec, withLogSumExp);
        var arguments = BufferParameters.Arguments(buffers);
        writer.WriteLine($$"""
            /// <summary>
            /// Runs attention on host memory where <paramref name="device"/> says: the ILGPU kernel on its accelerator, or
            /// the CPU kernel{{(withLogSumExp ? "; writes the log-sum-exp" : string.Empty)}}. Returns when done.
            /// </summary>
            /// <param name="device">Where to run (<c>KernelGenDevice.CreateDefault()</c>: CUDA when present, else the CPU kernel).</param>
            {{BufferParameters.Documentation(buffers)}}
            /// <param name="shape">The sizes; every buffer length is checked against them before any work starts.</param>
            /// <exception cref="global::System.ArgumentException">A size is not positive, <c>Heads</c> is not a multiple of <c>KvHeads</c>, or a buffer length does not match.</exception>
            public static void Forward(global::KernelGen.KernelGenDevice device, {{BufferParameters.HostSpans(buffers, ElementTypes.Host(spec.Element))}}, {{Shape}} shape)
            {
                global::System.ArgumentNullException.ThrowIfNull(device);
                if (device.Accelerator is { } accelerator)
                {
                    Forward(accelerator, {{arguments}}, shape);
                }
                else
                {
                    ForwardCpu({{arguments}}, shape, device.CpuOptions);
                }
            }
            """);
    }

    private static void WriteVarlenForward(SourceWriter writer, KernelSpec spec, bool withLogSumExp)
    {
        var buffers = KernelBuffers.Packed(spec, withLogSumExp);
        writer.WriteLine($$"""
            /// <summary>
            /// Runs attention on the CPU over a packed batch of sequences of different lengths (FlashAttention's varlen
            /// layout){{(withLogSumExp ? ", writing the log-sum-exp" : string.Empty)}}: the window applies inside each sequence, with its own
            /// {{(spec.Window.Alignment == WindowAlignment.BottomRight ? "bottom-right" : "top-left")}} diagonal. Returns when done; thread-safe.
            /// </summary>
            {{BufferParameters.Documentation(buffers)}}
            /// <param name="cuSeqLensQ">Cumulative query lengths, <c>batch + 1</c> entries from 0 to totalQ.</param>
            /// <param name="cuSeqLensK">Cumulative key lengths, <c>batch + 1</c> entries from 0 to totalK.</param>
            /// <param name="heads">Query heads.</param>
            /// <param name="kvHeads">Key/value heads; <paramref name="heads"/> must be a multiple of it.</param>
            /// <param name="options">How many threads to use; <see langword="null"/> for all cores. The output is bit-identical whatever the thread count.</param>
            /// <exception cref="global::System.ArgumentException">The offsets do not start at 0, decrease, or do not end at the buffers' tokens (the message names the first bad entry), or a buffer length does not match.</exception>
            public static void ForwardCpuVarlen({{BufferParameters.HostSpans(buffers, ElementTypes.Host(spec.Element))}}, global::System.ReadOnlySpan<int> cuSeqLensQ, global::System.ReadOnlySpan<int> cuSeqLensK, int heads, int kvHeads, {{Options}}? options = null)
            {
                var (geometry, sequences) = global::KernelGen.PackedBatch.Describe(cuSeqLensQ, cuSeqLensK, q.Length, k.Length, heads, kvHeads, HeadDim, Alignment, writesLogSumExp: {{CSharpLiteral.Of(withLogSumExp)}});
                global::KernelGen.CpuAttention.ForwardSequences(
                    default({{KernelEmitter.BakedConstants}}), default({{KernelEmitter.BakedWindow}}),
                    {{Arguments(spec, withLogSumExp)}}, geometry, sequences, options);
            }
            """);
    }

    private const string ShapeAndOptionsDocumentation = """
        /// <param name="shape">The sizes; every buffer length is checked against them before any work starts.</param>
        /// <param name="options">How many threads to use; <see langword="null"/> for all cores. The output is bit-identical whatever the thread count.</param>
        /// <exception cref="global::System.ArgumentException">A size is not positive, <c>Heads</c> is not a multiple of <c>KvHeads</c>, or a buffer length does not match.</exception>
        """;

    // The runtime kernel takes every buffer; the ones a spec or overload does not have are empty.
    private static string Arguments(KernelSpec spec, bool withLogSumExp) =>
        $"q, k, v, {(spec.Sinks ? "sinkLogits" : "default")}, output, {(withLogSumExp ? "logSumExp" : "default")}";
}
