using System.Linq;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emitting;

/// <summary>
/// Emits a spec's public <c>Forward</c> overloads (device views on a stream or on the default stream, and host
/// spans) and the one private <c>LaunchForward</c> they all go through. Validation, grids and host copies live in the
/// runtime's <c>AttentionLauncher</c>; only what differs per spec is generated.
/// </summary>
internal static class ForwardApiEmitter
{
    private const string View = "global::ILGPU.ArrayView<float>";
    private const string Shape = "global::KernelGen.AttentionShape";
    private const string Accelerator = "global::ILGPU.Runtime.Accelerator";
    private const string Stream = "global::ILGPU.Runtime.AcceleratorStream";

    public static void Write(SourceWriter writer, KernelSpec spec)
    {
        const string RuntimeWindow = "global::KernelGen.RuntimeWindowBounds";
        string KernelType(string window) => $"global::System.Action<{Stream}, global::ILGPU.KernelConfig, {string.Join(", ", KernelEmitter.KernelParameterTypes(spec, window))}>";
        string LoadArguments(string window) => string.Join(", ", KernelEmitter.KernelParameterTypes(spec, window));
        var baked = KernelEmitter.BakedWindow;
        var sinksParameter = spec.Sinks ? $"{View} sinkLogits, " : string.Empty;
        var sinksSpan = spec.Sinks ? "global::System.ReadOnlySpan<float> sinkLogits, " : string.Empty;
        var sinksArgument = spec.Sinks ? "sinkLogits, " : string.Empty;
        var sinksBuffer = spec.Sinks ? "sinkLogits" : "default";
        var sinksDoc = spec.Sinks ? "\n/// <param name=\"sinkLogits\">One learned sink logit per query head.</param>" : string.Empty;
        const string InputsDoc = """
            /// <param name="q">Queries, <c>[batch, seqQ, heads, HeadDim]</c>.</param>
            /// <param name="k">Keys, <c>[batch, seqK, kvHeads, HeadDim]</c>.</param>
            /// <param name="v">Values, <c>[batch, seqK, kvHeads, HeadDim]</c>.</param>
            """;
        const string OutputDoc = """
            /// <param name="output">Receives the attention output, shaped like <paramref name="q"/>.</param>
            """;
        const string LogSumExpDoc = """
            /// <param name="logSumExp">Receives the natural-log log-sum-exp of each row, <c>[batch, heads, seqQ]</c>; -inf for a row that sees no key.</param>
            """;
        const string ShapeDoc = """
            /// <param name="shape">The sizes; every buffer length is checked against them before anything launches.</param>
            /// <exception cref="global::System.ArgumentException">A size is not positive, <c>Heads</c> is not a multiple of <c>KvHeads</c>, or a buffer length does not match.</exception>
            """;
        const string NoSync = "Queues the kernel and returns without waiting: synchronise the stream before reading the results.";

        writer.WriteLine($$"""
            private static readonly global::KernelGen.KernelCache<{{KernelType(baked)}}> CompiledKernels =
                new(accelerator => global::ILGPU.Runtime.KernelLoaders.LoadKernel<{{LoadArguments(baked)}}>(accelerator, TiledForwardKernel<{{baked}}>));

            private static readonly global::KernelGen.KernelCache<{{KernelType(RuntimeWindow)}}> CompiledRuntimeWindowKernels =
                new(accelerator => global::ILGPU.Runtime.KernelLoaders.LoadKernel<{{LoadArguments(RuntimeWindow)}}>(accelerator, TiledForwardKernel<{{RuntimeWindow}}>));

            /// <summary>Runs attention on device buffers, on the accelerator's default stream. {{NoSync}}</summary>
            /// <param name="accelerator">The accelerator that owns the buffers.</param>
            {{InputsDoc}}{{sinksDoc}}
            {{OutputDoc}}
            {{ShapeDoc}}
            public static void Forward({{Accelerator}} accelerator, {{View}} q, {{View}} k, {{View}} v, {{sinksParameter}}{{View}} output, {{Shape}} shape) =>
                Forward(accelerator.DefaultStream, q, k, v, {{sinksArgument}}output, shape);

            /// <summary>Runs attention on device buffers and writes the log-sum-exp, on the accelerator's default stream. {{NoSync}}</summary>
            /// <param name="accelerator">The accelerator that owns the buffers.</param>
            {{InputsDoc}}{{sinksDoc}}
            {{OutputDoc}}
            {{LogSumExpDoc}}
            {{ShapeDoc}}
            public static void Forward({{Accelerator}} accelerator, {{View}} q, {{View}} k, {{View}} v, {{sinksParameter}}{{View}} output, {{View}} logSumExp, {{Shape}} shape) =>
                Forward(accelerator.DefaultStream, q, k, v, {{sinksArgument}}output, logSumExp, shape);

            /// <summary>Runs attention on device buffers, on <paramref name="stream"/>. {{NoSync}}</summary>
            /// <param name="stream">The stream to queue the kernel on.</param>
            {{InputsDoc}}{{sinksDoc}}
            {{OutputDoc}}
            {{ShapeDoc}}
            public static void Forward({{Stream}} stream, {{View}} q, {{View}} k, {{View}} v, {{sinksParameter}}{{View}} output, {{Shape}} shape) =>
                LaunchForward(stream, new(q, k, v, {{sinksBuffer}}, output, default), shape, writesLogSumExp: false);

            /// <summary>Runs attention on device buffers and writes the log-sum-exp, on <paramref name="stream"/>. {{NoSync}}</summary>
            /// <param name="stream">The stream to queue the kernel on.</param>
            {{InputsDoc}}{{sinksDoc}}
            {{OutputDoc}}
            {{LogSumExpDoc}}
            {{ShapeDoc}}
            public static void Forward({{Stream}} stream, {{View}} q, {{View}} k, {{View}} v, {{sinksParameter}}{{View}} output, {{View}} logSumExp, {{Shape}} shape) =>
                LaunchForward(stream, new(q, k, v, {{sinksBuffer}}, output, logSumExp), shape, writesLogSumExp: true);

            /// <summary>Runs attention on host memory: copies to <paramref name="accelerator"/>, runs, waits, and copies the output back.</summary>
            /// <param name="accelerator">The accelerator to run on.</param>
            {{InputsDoc}}{{sinksDoc}}
            {{OutputDoc}}
            {{ShapeDoc}}
            public static void Forward({{Accelerator}} accelerator, global::System.ReadOnlySpan<float> q, global::System.ReadOnlySpan<float> k, global::System.ReadOnlySpan<float> v, {{sinksSpan}}global::System.Span<float> output, {{Shape}} shape) =>
                global::KernelGen.AttentionLauncher.RunOnHost(accelerator, q, k, v, {{sinksBuffer}}, output, default, shape, HeadDim, {{Literal(spec.Sinks)}}, false, static (stream, buffers, size) => LaunchForward(stream, buffers, size, writesLogSumExp: false));

            /// <summary>Runs attention on host memory and writes the log-sum-exp: copies to <paramref name="accelerator"/>, runs, waits, and copies the results back.</summary>
            /// <param name="accelerator">The accelerator to run on.</param>
            {{InputsDoc}}{{sinksDoc}}
            {{OutputDoc}}
            {{LogSumExpDoc}}
            {{ShapeDoc}}
            public static void Forward({{Accelerator}} accelerator, global::System.ReadOnlySpan<float> q, global::System.ReadOnlySpan<float> k, global::System.ReadOnlySpan<float> v, {{sinksSpan}}global::System.Span<float> output, global::System.Span<float> logSumExp, {{Shape}} shape) =>
                global::KernelGen.AttentionLauncher.RunOnHost(accelerator, q, k, v, {{sinksBuffer}}, output, logSumExp, shape, HeadDim, {{Literal(spec.Sinks)}}, true, static (stream, buffers, size) => LaunchForward(stream, buffers, size, writesLogSumExp: true));

            /// <summary>
            /// Runs the same kernel body with <paramref name="window"/> passed at run time instead of this spec's window,
            /// compiled once for any window: for windows chosen at run time, and to measure what baking saves.
            /// The head size, tile sizes and score options stay this spec's. {{NoSync}}
            /// </summary>
            /// <param name="stream">The stream to queue the kernel on.</param>
            {{InputsDoc}}{{sinksDoc}}
            {{OutputDoc}}
            /// <param name="window">The window to apply instead of <see cref="Window"/>.</param>
            {{ShapeDoc}}
            public static void ForwardWithRuntimeWindow({{Stream}} stream, {{View}} q, {{View}} k, {{View}} v, {{sinksParameter}}{{View}} output, global::KernelGen.AttentionWindow window, {{Shape}} shape)
            {
                global::System.ArgumentNullException.ThrowIfNull(stream);
                var buffers = new global::KernelGen.AttentionLauncher.Buffers(q, k, v, {{sinksBuffer}}, output, default);
                var (config, arguments) = global::KernelGen.AttentionLauncher.Prepare(
                    buffers, shape, window, HeadDim, QueryTileSize, ThreadsPerGroup, hasSinks: {{Literal(spec.Sinks)}}, writesLogSumExp: false);
                CompiledRuntimeWindowKernels.Get(stream.Accelerator)(stream, config, q, k, v, {{sinksArgument}}output, default, arguments, new {{RuntimeWindow}}(window));
            }

            private static void LaunchForward({{Stream}} stream, global::KernelGen.AttentionLauncher.Buffers buffers, {{Shape}} shape, bool writesLogSumExp)
            {
                global::System.ArgumentNullException.ThrowIfNull(stream);
                var (config, arguments) = global::KernelGen.AttentionLauncher.Prepare(
                    buffers, shape, Window, HeadDim, QueryTileSize, ThreadsPerGroup, hasSinks: {{Literal(spec.Sinks)}}, writesLogSumExp);
                CompiledKernels.Get(stream.Accelerator)(stream, config, buffers.Query, buffers.Key, buffers.Value, {{(spec.Sinks ? "buffers.SinkLogits, " : string.Empty)}}buffers.Output, buffers.LogSumExp, arguments, default);
            }
            """);
    }

    private static string Literal(bool value) => value ? "true" : "false";
}
