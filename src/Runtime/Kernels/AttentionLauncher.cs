using System;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;

namespace KernelGen;

/// <summary>
/// What every generated ILGPU kernel does before it launches: check every size and buffer (on the CPU accelerator an
/// out-of-range access kills the process, so nothing reaches a kernel unchecked), upload a packed batch's layouts,
/// choose the schedule (<see cref="AttentionSchedule"/>) and queue the tiled kernel, then the split-key combine kernel
/// when the schedule splits the keys; and run host-memory calls through device buffers.
/// </summary>
public static class AttentionLauncher
{
    /// <summary>The buffers of one call, on the device.</summary>
    /// <param name="Query">Queries, <c>[batch, seqQ, heads, headDim]</c>.</param>
    /// <param name="Key">Keys, <c>[batch, seqK, kvHeads, headDim]</c>.</param>
    /// <param name="Value">Values, <c>[batch, seqK, kvHeads, headDim]</c>.</param>
    /// <param name="SinkLogits">One sink logit per head, or empty for kernels without sinks.</param>
    /// <param name="Output">Output, shaped like the queries.</param>
    /// <param name="LogSumExp">Log-sum-exp per <c>[batch, head, query]</c>, or empty when not wanted.</param>
    /// <typeparam name="TElement">The element type of the queries, keys, values and output, as the device holds it.</typeparam>
    public readonly record struct Buffers<TElement>(
        ArrayView<TElement> Query, ArrayView<TElement> Key, ArrayView<TElement> Value, ArrayView<float> SinkLogits,
        ArrayView<TElement> Output, ArrayView<float> LogSumExp)
        where TElement : unmanaged;

    /// <summary>Launches a kernel on validated device buffers.</summary>
    /// <typeparam name="TElement">The element type of the queries, keys, values and output, as the device holds it.</typeparam>
    public delegate void Launch<TElement>(AcceleratorStream stream, Buffers<TElement> buffers, AttentionShape shape)
        where TElement : unmanaged;

    /// <summary>
    /// Validates a dense call (<paramref name="shape"/> and every buffer length), then queues it. The kernel computes each
    /// sequence's layout itself, so a dense call uploads nothing.
    /// </summary>
    /// <param name="stream">The stream to queue on.</param>
    /// <param name="kernels">The spec's compiled kernel.</param>
    /// <param name="buffers">The device buffers, laid out <c>[batch, seq, heads, HeadDim]</c>.</param>
    /// <param name="shape">The sizes.</param>
    /// <param name="window">The window whose alignment places the diagonal.</param>
    /// <param name="bounds">The window's bounds as the kernel takes them.</param>
    /// <param name="tiles">The kernel's tile sizes.</param>
    /// <param name="writesLogSumExp">Whether the log-sum-exp is wanted.</param>
    /// <param name="format">How the combine kernel stores an output element.</param>
    public static void QueueDense<TConstants, TWindow, TElement, TFormat>(
        AcceleratorStream stream, KernelCache<TiledAttentionKernel<TConstants, TWindow, TElement>> kernels, Buffers<TElement> buffers, AttentionShape shape,
        AttentionWindow window, TWindow bounds, IlgpuTiles tiles, bool writesLogSumExp, TFormat format)
        where TConstants : struct, IKernelConstants
        where TWindow : struct, IWindowBounds
        where TElement : unmanaged
        where TFormat : struct, IElementFormat<TElement>
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(kernels);
        var constants = default(TConstants);
        CheckThreads(stream.Accelerator, tiles.ThreadsPerGroup);
        AttentionInputs.Validate(buffers.Query.Length, buffers.Key.Length, buffers.Value.Length, buffers.SinkLogits.Length,
            buffers.Output.Length, buffers.LogSumExp.Length, shape, constants.HeadDim, constants.HasSinks, writesLogSumExp);
        var sequenceBuffers = new SequenceBuffers<TElement>(buffers.Query, buffers.Key, buffers.Value, buffers.SinkLogits, buffers.Output, buffers.LogSumExp, default);
        CheckBuffers(sequenceBuffers, stream.Accelerator);
        Queue(stream, kernels, sequenceBuffers, SequenceGeometry.Dense(shape, constants.HeadDim, writesLogSumExp), bounds, tiles,
            window.DiagonalOffset(shape.SeqQ, shape.SeqK), format);
    }

    /// <summary>
    /// Validates a call over sequences (every layout against the buffers, from the host copy <paramref name="sequences"/>),
    /// then queues it.
    /// </summary>
    /// <param name="stream">The stream to queue on.</param>
    /// <param name="kernels">The spec's compiled kernel.</param>
    /// <param name="buffers">The device buffers, with the layouts on the device.</param>
    /// <param name="geometry">The sizes and strides every sequence shares.</param>
    /// <param name="sequences">A host copy of <c>buffers.Sequences</c>.</param>
    /// <param name="bounds">The window's bounds as the kernel takes them.</param>
    /// <param name="tiles">The kernel's tile sizes.</param>
    /// <param name="format">How the combine kernel stores an output element.</param>
    public static void QueueSequences<TConstants, TWindow, TElement, TFormat>(
        AcceleratorStream stream, KernelCache<TiledAttentionKernel<TConstants, TWindow, TElement>> kernels, SequenceBuffers<TElement> buffers, SequenceGeometry geometry,
        ReadOnlySpan<SequenceLayout> sequences, TWindow bounds, IlgpuTiles tiles, TFormat format)
        where TConstants : struct, IKernelConstants
        where TWindow : struct, IWindowBounds
        where TElement : unmanaged
        where TFormat : struct, IElementFormat<TElement>
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(kernels);
        var constants = default(TConstants);
        CheckThreads(stream.Accelerator, tiles.ThreadsPerGroup);
        CheckBuffers(buffers, stream.Accelerator);
        if (buffers.Sequences.Length != sequences.Length)
        {
            throw new ArgumentException(
                $"buffers.Sequences holds {buffers.Sequences.Length} layouts but the host copy {sequences.Length}: pass the layouts that were uploaded.", nameof(sequences));
        }

        SequenceInputs.Validate(buffers.Query.Length, buffers.Key.Length, buffers.Value.Length, buffers.SinkLogits.Length, buffers.Output.Length,
            buffers.LogSumExp.Length, geometry, sequences, bounds, constants.HeadDim, constants.HasSinks);
        Queue(stream, kernels, buffers, geometry, bounds, tiles, denseDiagonalOffset: 0, format);
    }

    /// <summary>
    /// Describes a packed batch from its host offsets (<see cref="PackedBatch.Describe"/>, which checks them), uploads the
    /// layouts into a buffer kept for <paramref name="stream"/> (the upload waits for the work already queued on the
    /// stream), then queues the call.
    /// </summary>
    /// <param name="stream">The stream to queue on.</param>
    /// <param name="kernels">The spec's compiled kernel.</param>
    /// <param name="buffers">The device buffers, packed <c>[tokens, heads, HeadDim]</c>.</param>
    /// <param name="cuSeqLensQ">Cumulative query lengths, <c>batch + 1</c> entries.</param>
    /// <param name="cuSeqLensK">Cumulative key lengths, <c>batch + 1</c> entries.</param>
    /// <param name="maxSeqLenQ">At least the longest sequence's queries.</param>
    /// <param name="maxSeqLenK">At least the longest sequence's keys.</param>
    /// <param name="heads">Query heads.</param>
    /// <param name="kvHeads">Key/value heads.</param>
    /// <param name="alignment">Where each sequence's diagonal sits.</param>
    /// <param name="bounds">The window's bounds as the kernel takes them.</param>
    /// <param name="tiles">The kernel's tile sizes.</param>
    /// <param name="writesLogSumExp">Whether the log-sum-exp (<c>[heads, totalQ]</c>) is wanted.</param>
    /// <param name="format">How the combine kernel stores an output element.</param>
    public static void QueueVarlen<TConstants, TWindow, TElement, TFormat>(
        AcceleratorStream stream, KernelCache<TiledAttentionKernel<TConstants, TWindow, TElement>> kernels, Buffers<TElement> buffers,
        ReadOnlySpan<int> cuSeqLensQ, ReadOnlySpan<int> cuSeqLensK, int maxSeqLenQ, int maxSeqLenK, int heads, int kvHeads,
        WindowAlignment alignment, TWindow bounds, IlgpuTiles tiles, bool writesLogSumExp, TFormat format)
        where TConstants : struct, IKernelConstants
        where TWindow : struct, IWindowBounds
        where TElement : unmanaged
        where TFormat : struct, IElementFormat<TElement>
    {
        ArgumentNullException.ThrowIfNull(stream);
        var (geometry, sequences) = PackedBatch.Describe(
            cuSeqLensQ, cuSeqLensK, buffers.Query.Length, buffers.Key.Length, heads, kvHeads, default(TConstants).HeadDim, alignment, writesLogSumExp);
        RequireAtLeast(maxSeqLenQ, geometry.MaxQueryCount, nameof(maxSeqLenQ), cuSeqLensQ, "queries");
        RequireAtLeast(maxSeqLenK, geometry.MaxKeyCount, nameof(maxSeqLenK), cuSeqLensK, "keys");
        var scratch = StreamScratch.For(stream);
        lock (scratch)
        {
            var uploaded = new SequenceBuffers<TElement>(
                buffers.Query, buffers.Key, buffers.Value, buffers.SinkLogits, buffers.Output, buffers.LogSumExp, scratch.Upload(stream, sequences));
            QueueSequences(stream, kernels, uploaded, geometry, sequences, bounds, tiles, format);
        }
    }

    // FlashAttention takes max_seqlen as an upper bound that sizes its grid; here the grid follows the offsets, but a bound
    // below them says the caller's idea of the batch is wrong.
    private static void RequireAtLeast(int bound, int longest, string name, ReadOnlySpan<int> offsets, string what)
    {
        if (bound >= longest)
        {
            return;
        }

        var sequence = 0;
        while (offsets[sequence + 1] - offsets[sequence] != longest)
        {
            sequence++;
        }

        throw new ArgumentException(
            $"{name} is {bound}, but sequence {sequence} has {longest} {what} (entries {sequence} and {sequence + 1} of the offsets): it must be at least the longest sequence.", name);
    }

    // The one place a call reaches the device: the schedule (from the sizes alone), the tiled kernel, and when the keys are
    // split, the combine kernel on the same stream, with partial results in the stream's scratch.
    private static void Queue<TConstants, TWindow, TElement, TFormat>(
        AcceleratorStream stream, KernelCache<TiledAttentionKernel<TConstants, TWindow, TElement>> kernels, SequenceBuffers<TElement> buffers, SequenceGeometry geometry,
        TWindow bounds, IlgpuTiles tiles, long denseDiagonalOffset, TFormat format)
        where TConstants : struct, IKernelConstants
        where TWindow : struct, IWindowBounds
        where TElement : unmanaged
        where TFormat : struct, IElementFormat<TElement>
    {
        if (geometry.MaxQueryCount == 0)
        {
            return;
        }

        var kernel = kernels.Get(stream.Accelerator);
        var schedule = AttentionSchedule.For(geometry, bounds, tiles, denseDiagonalOffset);
        var config = schedule.Grid(geometry, tiles.ThreadsPerGroup);
        if (schedule.Splits == 1)
        {
            kernel(stream, config, buffers.Query, buffers.Key, buffers.Value, buffers.SinkLogits, buffers.Output, buffers.LogSumExp,
                buffers.Sequences, default, geometry, schedule, default, bounds);
            return;
        }

        // The combine kernel runs one thread per head dimension.
        CheckThreads(stream.Accelerator, geometry.HeadDim);
        var scratch = StreamScratch.For(stream);
        lock (scratch)
        {
            var partials = scratch.Partials(stream, schedule.PartialElements(geometry));
            kernel(stream, config, buffers.Query, buffers.Key, buffers.Value, buffers.SinkLogits, buffers.Output, buffers.LogSumExp,
                buffers.Sequences, partials, geometry, schedule, default, bounds);
            SplitKeyCombine.Queue<TConstants, TWindow, TElement, TFormat>(stream, partials, buffers, geometry, schedule, bounds);
        }
    }

    // Every buffer must be the launching accelerator's memory: the CPU accelerator would read another's without complaint.
    private static void CheckBuffers<TElement>(SequenceBuffers<TElement> buffers, Accelerator accelerator)
        where TElement : unmanaged
    {
        AcceleratorGuard.ThrowIfElsewhere(buffers.Query, "q", accelerator);
        AcceleratorGuard.ThrowIfElsewhere(buffers.Key, "k", accelerator);
        AcceleratorGuard.ThrowIfElsewhere(buffers.Value, "v", accelerator);
        AcceleratorGuard.ThrowIfElsewhere(buffers.SinkLogits, "sinkLogits", accelerator);
        AcceleratorGuard.ThrowIfElsewhere(buffers.Output, "output", accelerator);
        AcceleratorGuard.ThrowIfElsewhere(buffers.LogSumExp, "logSumExp", accelerator);
        AcceleratorGuard.ThrowIfElsewhere(buffers.Sequences, "buffers.Sequences", accelerator);
    }

    // Also refuses a disposed accelerator or context, which every launch passes through first.
    private static void CheckThreads(Accelerator accelerator, int threadsPerGroup)
    {
        AcceleratorGuard.ThrowIfDisposed(accelerator);
        if (threadsPerGroup > accelerator.MaxNumThreadsPerGroup)
        {
            // ILGPU's own message ("Invalid group dimensions ... exceeds maximum") would not say what to do.
            throw new NotSupportedException(
                $"This kernel runs {threadsPerGroup} threads per group, but {accelerator.Name} allows at most {accelerator.MaxNumThreadsPerGroup}. " +
                "For ILGPU's CPU accelerator, create it with KernelGenAccelerators.CreateCpu(context) (a CUDA-like CPU device, up to 1024 threads " +
                "per group) or with CPUDeviceKind.Nvidia; to run on the CPU for real, call the spec's ForwardCpu instead.");
        }
    }

    /// <summary>
    /// Runs a kernel on host memory: validates first, copies the inputs to the device, launches, waits, and
    /// copies the results back. Host elements are copied as they are, bit for bit (<see cref="System.Half"/> to
    /// <c>ILGPU.Half</c>).
    /// </summary>
    /// <typeparam name="THost">The element type of the host spans.</typeparam>
    /// <typeparam name="TDevice">The same element as the kernel takes it: the same size and bits.</typeparam>
    public static void RunOnHost<THost, TDevice>(
        Accelerator accelerator, ReadOnlySpan<THost> query, ReadOnlySpan<THost> key, ReadOnlySpan<THost> value,
        ReadOnlySpan<float> sinkLogits, Span<THost> output, Span<float> logSumExp, AttentionShape shape, int headDim,
        bool hasSinks, bool writesLogSumExp, Launch<TDevice> launch)
        where THost : unmanaged
        where TDevice : unmanaged
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        ArgumentNullException.ThrowIfNull(launch);
        AcceleratorGuard.ThrowIfDisposed(accelerator);
        AttentionInputs.Validate(query.Length, key.Length, value.Length, sinkLogits.Length, output.Length, logSumExp.Length,
            shape, headDim, hasSinks, writesLogSumExp);

        using var queryBuffer = Upload(accelerator, AsDevice<THost, TDevice>(query));
        using var keyBuffer = Upload(accelerator, AsDevice<THost, TDevice>(key));
        using var valueBuffer = Upload(accelerator, AsDevice<THost, TDevice>(value));
        using var sinkBuffer = Upload(accelerator, sinkLogits);
        using var outputBuffer = Upload<TDevice>(accelerator, output.Length);
        using var logSumExpBuffer = Upload<float>(accelerator, logSumExp.Length);
        var buffers = new Buffers<TDevice>(ViewOf(queryBuffer), ViewOf(keyBuffer), ViewOf(valueBuffer), ViewOf(sinkBuffer), ViewOf(outputBuffer), ViewOf(logSumExpBuffer));
        launch(accelerator.DefaultStream, buffers, shape);
        accelerator.DefaultStream.Synchronize();
        outputBuffer?.View.BaseView.CopyToCPU(MemoryMarshal.Cast<THost, TDevice>(output));
        logSumExpBuffer?.View.BaseView.CopyToCPU(logSumExp);
    }

    /// <summary>Reads host elements as the device type, which must be the same element (<see cref="System.Half"/> as <c>ILGPU.Half</c>).</summary>
    internal static ReadOnlySpan<TDevice> AsDevice<THost, TDevice>(ReadOnlySpan<THost> host)
        where THost : unmanaged
        where TDevice : unmanaged =>
        IsSameElement<THost, TDevice>()
            ? MemoryMarshal.Cast<THost, TDevice>(host)
            : throw new ArgumentException($"Host elements of {typeof(THost)} cannot be read as {typeof(TDevice)}: they are not the same element.", nameof(host));

    /// <summary>
    /// Whether host elements of <typeparamref name="THost"/> are the device's <typeparamref name="TDevice"/> bit for bit: the
    /// same type, or <see cref="System.Half"/> as <c>ILGPU.Half</c>. The same size is not enough: fp16 read as bf16 is garbage.
    /// </summary>
    internal static bool IsSameElement<THost, TDevice>()
        where THost : unmanaged
        where TDevice : unmanaged =>
        typeof(THost) == typeof(TDevice) || (typeof(THost) == typeof(System.Half) && typeof(TDevice) == typeof(ILGPU.Half));

    // ILGPU cannot allocate empty buffers: an absent optional buffer (no sinks, no log-sum-exp) stays a default view.
    private static MemoryBuffer1D<T, Stride1D.Dense>? Upload<T>(Accelerator accelerator, ReadOnlySpan<T> data)
        where T : unmanaged =>
        data.IsEmpty ? null : accelerator.Allocate1D(data.ToArray());

    private static MemoryBuffer1D<T, Stride1D.Dense>? Upload<T>(Accelerator accelerator, int length)
        where T : unmanaged =>
        length == 0 ? null : accelerator.Allocate1D<T>(length);

    private static ArrayView<T> ViewOf<T>(MemoryBuffer1D<T, Stride1D.Dense>? buffer)
        where T : unmanaged =>
        buffer?.View.BaseView ?? default;
}
