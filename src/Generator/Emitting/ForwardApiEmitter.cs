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
        string KernelType(string window) => $"global::System.Action<{Stream}, global::ILGPU.KernelConfig, {string.Join(", ", KernelEmitter.KernelParameterTypes(window))}>";
        string LoadArguments(string window) => string.Join(", ", KernelEmitter.KernelParameterTypes(window));
        var constants = KernelEmitter.BakedConstants;
        var baked = KernelEmitter.BakedWindow;
        var buffers = KernelBuffers.For(spec, withLogSumExp: false);
        var withLogSumExp = KernelBuffers.For(spec, withLogSumExp: true);
        var documentation = BufferParameters.Documentation(buffers);
        var documentationWithLogSumExp = BufferParameters.Documentation(withLogSumExp);
        var views = BufferParameters.Declarations(buffers, View, View);
        var viewsWithLogSumExp = BufferParameters.Declarations(withLogSumExp, View, View);
        var spans = BufferParameters.Declarations(buffers, BufferParameters.HostInput, BufferParameters.HostOutput);
        var spansWithLogSumExp = BufferParameters.Declarations(withLogSumExp, BufferParameters.HostInput, BufferParameters.HostOutput);
        var arguments = BufferParameters.Arguments(buffers);
        var argumentsWithLogSumExp = BufferParameters.Arguments(withLogSumExp);
        var sinksBuffer = spec.Sinks ? "sinkLogits" : "default";
        const string ShapeDoc = """
            /// <param name="shape">The sizes; every buffer length is checked against them before anything launches.</param>
            /// <exception cref="global::System.ArgumentException">A size is not positive, <c>Heads</c> is not a multiple of <c>KvHeads</c>, or a buffer length does not match.</exception>
            """;
        const string NoSync = "Queues the kernel and returns without waiting: synchronise the stream before reading the results.";

        writer.WriteLine($$"""
            private static readonly global::KernelGen.KernelCache<{{KernelType(baked)}}> CompiledKernels =
                new(accelerator => global::ILGPU.Runtime.KernelLoaders.LoadKernel<{{LoadArguments(baked)}}>(accelerator, TiledForwardKernel<{{constants}}, {{baked}}>));

            private static readonly global::KernelGen.KernelCache<{{KernelType(RuntimeWindow)}}> CompiledRuntimeWindowKernels =
                new(accelerator => global::ILGPU.Runtime.KernelLoaders.LoadKernel<{{LoadArguments(RuntimeWindow)}}>(accelerator, TiledForwardKernel<{{constants}}, {{RuntimeWindow}}>));

            /// <summary>Runs attention on device buffers, on the accelerator's default stream. {{NoSync}}</summary>
            /// <param name="accelerator">The accelerator that owns the buffers.</param>
            {{documentation}}
            {{ShapeDoc}}
            public static void Forward({{Accelerator}} accelerator, {{views}}, {{Shape}} shape) =>
                Forward(accelerator.DefaultStream, {{arguments}}, shape);

            /// <summary>Runs attention on device buffers and writes the log-sum-exp, on the accelerator's default stream. {{NoSync}}</summary>
            /// <param name="accelerator">The accelerator that owns the buffers.</param>
            {{documentationWithLogSumExp}}
            {{ShapeDoc}}
            public static void Forward({{Accelerator}} accelerator, {{viewsWithLogSumExp}}, {{Shape}} shape) =>
                Forward(accelerator.DefaultStream, {{argumentsWithLogSumExp}}, shape);

            /// <summary>Runs attention on device buffers, on <paramref name="stream"/>. {{NoSync}}</summary>
            /// <param name="stream">The stream to queue the kernel on.</param>
            {{documentation}}
            {{ShapeDoc}}
            public static void Forward({{Stream}} stream, {{views}}, {{Shape}} shape) =>
                LaunchForward(stream, new(q, k, v, {{sinksBuffer}}, output, default), shape, writesLogSumExp: false);

            /// <summary>Runs attention on device buffers and writes the log-sum-exp, on <paramref name="stream"/>. {{NoSync}}</summary>
            /// <param name="stream">The stream to queue the kernel on.</param>
            {{documentationWithLogSumExp}}
            {{ShapeDoc}}
            public static void Forward({{Stream}} stream, {{viewsWithLogSumExp}}, {{Shape}} shape) =>
                LaunchForward(stream, new(q, k, v, {{sinksBuffer}}, output, logSumExp), shape, writesLogSumExp: true);

            /// <summary>Runs attention on host memory: copies to <paramref name="accelerator"/>, runs, waits, and copies the output back.</summary>
            /// <param name="accelerator">The accelerator to run on.</param>
            {{documentation}}
            {{ShapeDoc}}
            public static void Forward({{Accelerator}} accelerator, {{spans}}, {{Shape}} shape) =>
                global::KernelGen.AttentionLauncher.RunOnHost(accelerator, q, k, v, {{sinksBuffer}}, output, default, shape, HeadDim, {{CSharpLiteral.Of(spec.Sinks)}}, false, static (stream, buffers, size) => LaunchForward(stream, buffers, size, writesLogSumExp: false));

            /// <summary>Runs attention on host memory and writes the log-sum-exp: copies to <paramref name="accelerator"/>, runs, waits, and copies the results back.</summary>
            /// <param name="accelerator">The accelerator to run on.</param>
            {{documentationWithLogSumExp}}
            {{ShapeDoc}}
            public static void Forward({{Accelerator}} accelerator, {{spansWithLogSumExp}}, {{Shape}} shape) =>
                global::KernelGen.AttentionLauncher.RunOnHost(accelerator, q, k, v, {{sinksBuffer}}, output, logSumExp, shape, HeadDim, {{CSharpLiteral.Of(spec.Sinks)}}, true, static (stream, buffers, size) => LaunchForward(stream, buffers, size, writesLogSumExp: true));

            /// <summary>
            /// Runs the same kernel body with <paramref name="window"/> passed at run time instead of this spec's window,
            /// compiled once for any window: for windows chosen at run time, and to measure what baking saves.
            /// The head size, tile sizes and score options stay this spec's. {{NoSync}}
            /// </summary>
            /// <param name="stream">The stream to queue the kernel on.</param>
            {{documentation}}
            /// <param name="window">The window to apply instead of <see cref="Window"/>.</param>
            {{ShapeDoc}}
            public static void ForwardWithRuntimeWindow({{Stream}} stream, {{views}}, global::KernelGen.AttentionWindow window, {{Shape}} shape)
            {
                global::System.ArgumentNullException.ThrowIfNull(stream);
                var buffers = new global::KernelGen.AttentionLauncher.Buffers(q, k, v, {{sinksBuffer}}, output, default);
                var (config, arguments) = global::KernelGen.AttentionLauncher.Prepare(
                    stream.Accelerator, buffers, shape, window, HeadDim, QueryTileSize, ThreadsPerGroup, hasSinks: {{CSharpLiteral.Of(spec.Sinks)}}, writesLogSumExp: false);
                CompiledRuntimeWindowKernels.Get(stream.Accelerator)(stream, config, q, k, v, {{sinksBuffer}}, output, default, arguments, default, new {{RuntimeWindow}}(window));
            }

            private static void LaunchForward({{Stream}} stream, global::KernelGen.AttentionLauncher.Buffers buffers, {{Shape}} shape, bool writesLogSumExp)
            {
                global::System.ArgumentNullException.ThrowIfNull(stream);
                var (config, arguments) = global::KernelGen.AttentionLauncher.Prepare(
                    stream.Accelerator, buffers, shape, Window, HeadDim, QueryTileSize, ThreadsPerGroup, hasSinks: {{CSharpLiteral.Of(spec.Sinks)}}, writesLogSumExp);
                CompiledKernels.Get(stream.Accelerator)(stream, config, buffers.Query, buffers.Key, buffers.Value, buffers.SinkLogits, buffers.Output, buffers.LogSumExp, arguments, default, default);
            }
            """);
    }
}
