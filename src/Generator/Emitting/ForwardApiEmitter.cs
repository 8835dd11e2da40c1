using System.Linq;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emitting;

/// <summary>
/// Emits a spec's public ILGPU entry points: <c>Forward</c> (device views on a stream or on the default stream, and host
/// spans), <c>ForwardWithRuntimeWindow</c>, <c>ForwardSequences</c> (any sequence layout: packed batches, KV caches) and
/// <c>ForwardVarlen</c> (FlashAttention's varlen layout). Validation, the schedule, uploads and host copies live in the
/// runtime's <c>AttentionLauncher</c>; only what differs per spec is generated.
/// </summary>
internal static class ForwardApiEmitter
{
    private const string Shape = "global::KernelGen.AttentionShape";
    private const string Accelerator = "global::ILGPU.Runtime.Accelerator";
    private const string Stream = "global::ILGPU.Runtime.AcceleratorStream";
    private const string Launcher = "global::KernelGen.AttentionLauncher";

    public static void Write(SourceWriter writer, KernelSpec spec)
    {
        const string RuntimeWindow = "global::KernelGen.RuntimeWindowBounds";
        var device = ElementTypes.Device(spec.Element);
        var host = ElementTypes.Host(spec.Element);
        var format = $"default({ElementTypes.Format(spec.Element)})";
        string KernelType(string window) => $"global::KernelGen.TiledAttentionKernel<{KernelEmitter.BakedConstants}, {window}, {device}>";
        string Load(string window) =>
            $"global::ILGPU.Runtime.KernelLoaders.LoadKernel<{string.Join(", ", KernelEmitter.KernelParameterTypes(window, device))}>(accelerator, TiledForwardKernel<{KernelEmitter.BakedConstants}, {window}>).Invoke";
        var baked = KernelEmitter.BakedWindow;
        var buffers = KernelBuffers.For(spec, withLogSumExp: false);
        var withLogSumExp = KernelBuffers.For(spec, withLogSumExp: true);
        var documentation = BufferParameters.Documentation(buffers);
        var documentationWithLogSumExp = BufferParameters.Documentation(withLogSumExp);
        var views = BufferParameters.DeviceViews(buffers, device);
        var viewsWithLogSumExp = BufferParameters.DeviceViews(withLogSumExp, device);
        var spans = BufferParameters.HostSpans(buffers, host);
        var spansWithLogSumExp = BufferParameters.HostSpans(withLogSumExp, host);
        var arguments = BufferParameters.Arguments(buffers);
        var argumentsWithLogSumExp = BufferParameters.Arguments(withLogSumExp);
        var sinksBuffer = spec.Sinks ? "sinkLogits" : "default";
        const string ShapeDoc = """
            /// <param name="shape">The sizes; every buffer length is checked against them before anything launches.</param>
            /// <exception cref="global::System.ArgumentException">A size is not positive, <c>Heads</c> is not a multiple of <c>KvHeads</c>, or a buffer length does not match.</exception>
            """;
        const string NoSync = "Queues the kernel and returns without waiting: synchronise the stream before reading the results.";
        const string SeeSchedule = "/// <remarks>Calls with few queries per sequence split the keys across groups; the rule is on <see cref=\"ForwardSequences\"/>.</remarks>";

        writer.WriteLine($$"""
            private static readonly global::KernelGen.IlgpuTiles Tiles = new(QueryTileSize, KeyTileSize, ThreadsPerGroup);

            private static readonly global::KernelGen.KernelCache<{{KernelType(baked)}}> CompiledKernels =
                new(accelerator => {{Load(baked)}});

            private static readonly global::KernelGen.KernelCache<{{KernelType(RuntimeWindow)}}> CompiledRuntimeWindowKernels =
                new(accelerator => {{Load(RuntimeWindow)}});

            /// <summary>Runs attention on device buffers, on the accelerator's default stream. {{NoSync}}</summary>
            /// <param name="accelerator">The accelerator that owns the buffers.</param>
            {{documentation}}
            {{ShapeDoc}}
            {{SeeSchedule}}
            public static void Forward({{Accelerator}} accelerator, {{views}}, {{Shape}} shape) =>
                Forward(accelerator.DefaultStream, {{arguments}}, shape);

            /// <summary>Runs attention on device buffers and writes the log-sum-exp, on the accelerator's default stream. {{NoSync}}</summary>
            /// <param name="accelerator">The accelerator that owns the buffers.</param>
            {{documentationWithLogSumExp}}
            {{ShapeDoc}}
            {{SeeSchedule}}
            public static void Forward({{Accelerator}} accelerator, {{viewsWithLogSumExp}}, {{Shape}} shape) =>
                Forward(accelerator.DefaultStream, {{argumentsWithLogSumExp}}, shape);

            /// <summary>Runs attention on device buffers, on <paramref name="stream"/>. {{NoSync}}</summary>
            /// <param name="stream">The stream to queue the kernel on.</param>
            {{documentation}}
            {{ShapeDoc}}
            {{SeeSchedule}}
            public static void Forward({{Stream}} stream, {{views}}, {{Shape}} shape) =>
                LaunchForward(stream, new(q, k, v, {{sinksBuffer}}, output, default), shape, writesLogSumExp: false);

            /// <summary>Runs attention on device buffers and writes the log-sum-exp, on <paramref name="stream"/>. {{NoSync}}</summary>
            /// <param name="stream">The stream to queue the kernel on.</param>
            {{documentationWithLogSumExp}}
            {{ShapeDoc}}
            {{SeeSchedule}}
            public static void Forward({{Stream}} stream, {{viewsWithLogSumExp}}, {{Shape}} shape) =>
                LaunchForward(stream, new(q, k, v, {{sinksBuffer}}, output, logSumExp), shape, writesLogSumExp: true);

            /// <summary>Runs attention on host memory: copies to <paramref name="accelerator"/>, runs, waits, and copies the output back.</summary>
            /// <param name="accelerator">The accelerator to run on.</param>
            {{documentation}}
            {{ShapeDoc}}
            public static void Forward({{Accelerator}} accelerator, {{spans}}, {{Shape}} shape) =>
                {{Launcher}}.RunOnHost<{{host}}, {{device}}>(accelerator, q, k, v, {{sinksBuffer}}, output, default, shape, HeadDim, {{CSharpLiteral.Of(spec.Sinks)}}, false, static (stream, buffers, size) => LaunchForward(stream, buffers, size, writesLogSumExp: false));

            /// <summary>Runs attention on host memory and writes the log-sum-exp: copies to <paramref name="accelerator"/>, runs, waits, and copies the results back.</summary>
            /// <param name="accelerator">The accelerator to run on.</param>
            {{documentationWithLogSumExp}}
            {{ShapeDoc}}
            public static void Forward({{Accelerator}} accelerator, {{spansWithLogSumExp}}, {{Shape}} shape) =>
                {{Launcher}}.RunOnHost<{{host}}, {{device}}>(accelerator, q, k, v, {{sinksBuffer}}, output, logSumExp, shape, HeadDim, {{CSharpLiteral.Of(spec.Sinks)}}, true, static (stream, buffers, size) => LaunchForward(stream, buffers, size, writesLogSumExp: true));

            /// <summary>
            /// Runs the same kernel body with <paramref name="window"/> passed at run time instead of this spec's window,
            /// compiled once for any window: for windows chosen at run time, and to measure what baking saves.
            /// The head size, tile sizes and score options stay this spec's. {{NoSync}}
            /// </summary>
            /// <param name="stream">The stream to queue the kernel on.</param>
            {{documentation}}
            /// <param name="window">The window to apply instead of <see cref="Window"/>.</param>
            {{ShapeDoc}}
            public static void ForwardWithRuntimeWindow({{Stream}} stream, {{views}}, global::KernelGen.AttentionWindow window, {{Shape}} shape) =>
                {{Launcher}}.QueueDense(stream, CompiledRuntimeWindowKernels, new(q, k, v, {{sinksBuffer}}, output, default), shape, window, new {{RuntimeWindow}}(window), Tiles, writesLogSumExp: false, {{format}});

            private static void LaunchForward({{Stream}} stream, {{Launcher}}.Buffers<{{device}}> buffers, {{Shape}} shape, bool writesLogSumExp) =>
                {{Launcher}}.QueueDense(stream, CompiledKernels, buffers, shape, Window, default({{baked}}), Tiles, writesLogSumExp, {{format}});

            /// <summary>
            /// Runs attention over sequences laid out any way a <see cref="global::KernelGen.SequenceGeometry"/> and one
            /// <see cref="global::KernelGen.SequenceLayout"/> per sequence describe: a packed variable-length batch, or new
            /// queries against a KV cache (a ring wraps at its end). The window applies inside each sequence, on its own
            /// diagonal. {{NoSync}}
            /// </summary>
            /// <param name="stream">The stream to queue the kernel on.</param>
            /// <param name="buffers">The device buffers, with the layouts on the device.</param>
            /// <param name="geometry">The sizes and strides every sequence shares.</param>
            /// <param name="sequences">A host copy of <c>buffers.Sequences</c>, from which every layout is checked against the buffers before anything launches.</param>
            /// <exception cref="global::System.ArgumentException">The geometry does not fit this kernel, a layout reaches outside its buffers, or a ring no longer holds a key the window shows.</exception>
            /// <remarks>
            /// The schedule follows from the sizes alone (<see cref="global::KernelGen.AttentionSchedule"/>), so a shape always runs
            /// the same way. When some sequence has more than <see cref="QueryTileSize"/> queries: one group per tile of
            /// <see cref="QueryTileSize"/> queries, query head and sequence. Otherwise (decoding, short chunks) a group's rows are
            /// the (query, head) pairs of the query heads that share a key/value head, so each key and value is read once for
            /// all of them; and when that makes fewer than <see cref="global::KernelGen.AttentionSchedule.TargetGroups"/> groups,
            /// the key tiles a group would visit are split among up to <c>TargetGroups / groups</c> groups of at least
            /// <see cref="global::KernelGen.AttentionSchedule.MinKeyTilesPerSplit"/> tiles of <see cref="KeyTileSize"/> keys
            /// (flash-decoding), whose partial results a second kernel on the same stream combines by log-sum-exp. Partial
            /// results live in a buffer kept per stream and reused, grown (after waiting for the stream) when a call needs more.
            /// </remarks>
            public static void ForwardSequences({{Stream}} stream, global::KernelGen.SequenceBuffers<{{device}}> buffers, global::KernelGen.SequenceGeometry geometry, global::System.ReadOnlySpan<global::KernelGen.SequenceLayout> sequences) =>
                {{Launcher}}.QueueSequences(stream, CompiledKernels, buffers, geometry, sequences, default({{baked}}), Tiles, {{format}});
            """);
        writer.WriteLine();
        WriteVarlen(writer, spec, withLogSumExp: false);
        writer.WriteLine();
        WriteVarlen(writer, spec, withLogSumExp: true);
    }

    private static void WriteVarlen(SourceWriter writer, KernelSpec spec, bool withLogSumExp)
    {
        var buffers = KernelBuffers.Packed(spec, withLogSumExp);
        var declarations = BufferParameters.DeviceViews(buffers, ElementTypes.Device(spec.Element));
        var documentation = BufferParameters.Documentation(buffers);
        var what = withLogSumExp ? "Runs attention on a packed variable-length batch and writes the log-sum-exp" : "Runs attention on a packed variable-length batch";
        const string Offsets = "global::System.ReadOnlySpan<int> cuSeqLensQ, global::System.ReadOnlySpan<int> cuSeqLensK, int maxSeqLenQ, int maxSeqLenK, int heads, int kvHeads";
        var diagonal = spec.Window.Alignment == WindowAlignment.BottomRight ? "bottom-right" : "top-left";
        var behaviour = $"""
            the window applies inside each sequence, on the sequence's own {diagonal} diagonal.
            /// Waits for the work already queued on the stream (the offsets are uploaded to a buffer kept per stream), then
            /// queues the kernel and returns without waiting for it.
            """;
        writer.WriteLine($$"""
            /// <summary>
            /// {{what}} (FlashAttention's varlen layout), on the accelerator's default stream: {{behaviour}}
            /// </summary>
            /// <param name="accelerator">The accelerator that owns the buffers.</param>
            {{documentation}}
            {{OffsetsDocumentation}}
            public static void ForwardVarlen({{Accelerator}} accelerator, {{declarations}}, {{Offsets}}) =>
                ForwardVarlen(accelerator.DefaultStream, {{BufferParameters.Arguments(buffers)}}, cuSeqLensQ, cuSeqLensK, maxSeqLenQ, maxSeqLenK, heads, kvHeads);

            /// <summary>
            /// {{what}} (FlashAttention's varlen layout), on <paramref name="stream"/>: {{behaviour}}
            /// </summary>
            /// <param name="stream">The stream to queue the kernel on.</param>
            {{documentation}}
            {{OffsetsDocumentation}}
            public static void ForwardVarlen({{Stream}} stream, {{declarations}}, {{Offsets}}) =>
                {{Launcher}}.QueueVarlen(stream, CompiledKernels, new(q, k, v, {{(spec.Sinks ? "sinkLogits" : "default")}}, output, {{(withLogSumExp ? "logSumExp" : "default")}}),
                    cuSeqLensQ, cuSeqLensK, maxSeqLenQ, maxSeqLenK, heads, kvHeads, Alignment, default({{KernelEmitter.BakedWindow}}), Tiles, writesLogSumExp: {{CSharpLiteral.Of(withLogSumExp)}}, default({{ElementTypes.Format(spec.Element)}}));
            """);
    }

    private const string OffsetsDocumentation = """
        /// <param name="cuSeqLensQ">Cumulative query lengths on the host, <c>batch + 1</c> entries: 0, then each sequence's end.</param>
        /// <param name="cuSeqLensK">Cumulative key lengths on the host, <c>batch + 1</c> entries.</param>
        /// <param name="maxSeqLenQ">At least the longest sequence's queries (FlashAttention's <c>max_seqlen_q</c>).</param>
        /// <param name="maxSeqLenK">At least the longest sequence's keys (FlashAttention's <c>max_seqlen_k</c>).</param>
        /// <param name="heads">Query heads.</param>
        /// <param name="kvHeads">Key/value heads; <paramref name="heads"/> must be a multiple of it.</param>
        /// <exception cref="global::System.ArgumentException">The offsets do not start at 0, decrease, or do not end at the tokens the buffers hold (the message names the first bad entry); a maximum length is below the longest sequence; or a buffer length does not match.</exception>
        /// <remarks>Calls with few queries per sequence split the keys across groups; the rule is on <see cref="ForwardSequences"/>.</remarks>
        """;
}
