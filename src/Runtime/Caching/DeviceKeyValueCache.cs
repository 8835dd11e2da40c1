using System;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;

namespace KernelGen;

/// <summary>
/// A <see cref="KeyValueCache{TElement}"/> in an ILGPU accelerator's memory, attended by the spec's ILGPU kernel
/// (<c>ForwardSequences</c>, which splits the keys across groups for decode-sized calls). The API is the host cache's:
/// new tokens and queries come from host memory, outputs go back to it, and each call waits for the device.
/// </summary>
/// <typeparam name="THost">The spec's host element type, which appends and attends take.</typeparam>
/// <typeparam name="TDevice">The same element as the kernel takes it (<c>ILGPU.Half</c> for <see cref="System.Half"/>): host spans are copied bit for bit.</typeparam>
public sealed class DeviceKeyValueCache<THost, TDevice> : KeyValueCache<THost>
    where THost : unmanaged
    where TDevice : unmanaged
{
    private static readonly KernelCache<Action<AcceleratorStream, Index1D, ArrayView<TDevice>, ArrayView<long>, ArrayView<TDevice>, long, int, int>> Scatter =
        new(accelerator => accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<TDevice>, ArrayView<long>, ArrayView<TDevice>, long, int, int>(ScatterKernel));

    private static readonly KernelCache<Action<AcceleratorStream, Index1D, ArrayView<TDevice>, ArrayView<TDevice>, long, long, long>> Regrow =
        new(accelerator => accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<TDevice>, ArrayView<TDevice>, long, long, long>(RegrowKernel));

    /// <summary>
    /// The most threads one regrow launches; each copies every this-many-th element. A store may hold more than
    /// <see cref="int.MaxValue"/> elements (a growing cache of 16 rows x 8 KV heads x 128K keys x 128 holds 2^31), more than
    /// one launch has threads.
    /// </summary>
    internal const int MaxRegrowThreads = 1 << 24;

    private readonly Accelerator _accelerator;
    private readonly SequenceLaunch<TDevice> _launch;
    private MemoryBuffer1D<TDevice, Stride1D.Dense> _keys;
    private MemoryBuffer1D<TDevice, Stride1D.Dense> _values;

    /// <summary>Creates an empty cache on <paramref name="accelerator"/>; the spec's <c>CreateCache</c> calls this with its window and kernel.</summary>
    /// <param name="accelerator">Where the cache lives and the kernel runs; the caller keeps and disposes it.</param>
    /// <param name="window">The spec's window.</param>
    /// <param name="headDim">Elements per head row.</param>
    /// <param name="hasSinks">Whether the spec has learned sink logits.</param>
    /// <param name="maxChunk">The most tokens one append adds to a row.</param>
    /// <param name="capacity">The ring's slots, or <see langword="null"/> for what the window needs.</param>
    /// <param name="batch">Batch rows.</param>
    /// <param name="heads">Query heads.</param>
    /// <param name="kvHeads">Key/value heads.</param>
    /// <param name="launch">The spec's <c>ForwardSequences</c>, whose window is <paramref name="window"/>.</param>
    public DeviceKeyValueCache(Accelerator accelerator, AttentionWindow window, int headDim, bool hasSinks, int maxChunk, int? capacity, int batch, int heads, int kvHeads, SequenceLaunch<TDevice> launch)
        : base(window, headDim, hasSinks, maxChunk, capacity, batch, heads, kvHeads)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        ArgumentNullException.ThrowIfNull(launch);
        ObjectDisposedException.ThrowIf(accelerator.IsDisposed, accelerator);
        _accelerator = accelerator;
        _launch = launch;
        if (!AttentionLauncher.IsSameElement<THost, TDevice>())
        {
            throw new NotSupportedException($"Host elements of {typeof(THost)} cannot be stored as {typeof(TDevice)}: they are not the same element.");
        }

        _keys = accelerator.Allocate1D<TDevice>(StoreElements(Capacity));
        _values = accelerator.Allocate1D<TDevice>(StoreElements(Capacity));
    }

    /// <inheritdoc/>
    protected override void Write(ReadOnlySpan<THost> keys, ReadOnlySpan<THost> values, ReadOnlySpan<long> slots)
    {
        if (slots.IsEmpty)
        {
            return;
        }

        var stream = _accelerator.DefaultStream;
        using var slotBuffer = _accelerator.Allocate1D(slots.ToArray());
        using var keyBuffer = _accelerator.Allocate1D(AttentionLauncher.AsDevice<THost, TDevice>(keys).ToArray());
        using var valueBuffer = _accelerator.Allocate1D(AttentionLauncher.AsDevice<THost, TDevice>(values).ToArray());
        var scatter = Scatter.Get(_accelerator);
        long headStride = (long)Capacity * HeadDim;
        scatter(stream, (int)keyBuffer.Length, keyBuffer.View, slotBuffer.View, _keys.View, headStride, KvHeads, HeadDim);
        scatter(stream, (int)valueBuffer.Length, valueBuffer.View, slotBuffer.View, _values.View, headStride, KvHeads, HeadDim);
        stream.Synchronize();
    }

    /// <inheritdoc/>
    protected override void Grow(int oldCapacity, int newCapacity)
    {
        // Both new stores are allocated before either old one is let go: a failed allocation leaves the cache as it was.
        var keys = _accelerator.Allocate1D<TDevice>(StoreElements(newCapacity));
        MemoryBuffer1D<TDevice, Stride1D.Dense> values;
        try
        {
            values = _accelerator.Allocate1D<TDevice>(StoreElements(newCapacity));
        }
        catch
        {
            keys.Dispose();
            throw;
        }

        CopyRuns(_accelerator, _keys.View, keys.View, (long)oldCapacity * HeadDim, (long)newCapacity * HeadDim, MaxRegrowThreads);
        CopyRuns(_accelerator, _values.View, values.View, (long)oldCapacity * HeadDim, (long)newCapacity * HeadDim, MaxRegrowThreads);
        _accelerator.DefaultStream.Synchronize();
        _keys.Dispose();
        _values.Dispose();
        _keys = keys;
        _values = values;
    }

    /// <summary>
    /// Queues the copy of every run of <paramref name="oldRun"/> elements of <paramref name="source"/> to the start of a run of
    /// <paramref name="newRun"/> in <paramref name="target"/> (a growing cache's (row, head) runs of slots), with at most
    /// <paramref name="maxThreads"/> threads, in 64-bit indices throughout.
    /// </summary>
    internal static void CopyRuns(Accelerator accelerator, ArrayView<TDevice> source, ArrayView<TDevice> target, long oldRun, long newRun, int maxThreads)
    {
        if (source.Length == 0)
        {
            return;
        }

        var threads = (int)Math.Min(source.Length, maxThreads);
        Regrow.Get(accelerator)(accelerator.DefaultStream, threads, source, target, oldRun, newRun, threads);
    }

    /// <inheritdoc/>
    protected override void Run(ReadOnlySpan<THost> q, ReadOnlySpan<float> sinkLogits, Span<THost> output, Span<float> logSumExp, SequenceGeometry geometry, ReadOnlySpan<SequenceLayout> sequences)
    {
        if (q.IsEmpty)
        {
            return;
        }

        var stream = _accelerator.DefaultStream;
        using var queryBuffer = _accelerator.Allocate1D(AttentionLauncher.AsDevice<THost, TDevice>(q).ToArray());
        using var sinkBuffer = sinkLogits.IsEmpty ? null : _accelerator.Allocate1D(sinkLogits.ToArray());
        using var outputBuffer = _accelerator.Allocate1D<TDevice>(output.Length);
        using var logSumExpBuffer = logSumExp.IsEmpty ? null : _accelerator.Allocate1D<float>(logSumExp.Length);
        using var layoutBuffer = _accelerator.Allocate1D(sequences.ToArray());
        var buffers = new SequenceBuffers<TDevice>(
            queryBuffer.View, _keys.View, _values.View, sinkBuffer?.View ?? default, outputBuffer.View, logSumExpBuffer?.View ?? default, layoutBuffer.View);
        _launch(stream, buffers, geometry, sequences);
        stream.Synchronize();
        outputBuffer.View.BaseView.CopyToCPU(MemoryMarshal.Cast<THost, TDevice>(output));
        logSumExpBuffer?.View.BaseView.CopyToCPU(logSumExp);
    }

    /// <inheritdoc/>
    protected override void Release()
    {
        _keys.Dispose();
        _values.Dispose();
    }

    // Element index of the packed new tokens [tokens, kvHeads, HeadDim] to its slot: token t's head h starts at
    // slots[t] + h * headStride.
    private static void ScatterKernel(Index1D index, ArrayView<TDevice> source, ArrayView<long> slots, ArrayView<TDevice> store, long headStride, int kvHeads, int headDim)
    {
        int perToken = kvHeads * headDim;
        int token = index / perToken;
        int withinToken = index - (token * perToken);
        int kvHead = withinToken / headDim;
        int dim = withinToken - (kvHead * headDim);
        store[slots[token] + (kvHead * headStride) + dim] = source[index];
    }

    // A growing cache's positions are its slots: each (row, head) run of slots moves whole to its new, longer run. Thread i
    // copies elements i, i + threads, ...: a store may have more elements than a launch has threads.
    private static void RegrowKernel(Index1D index, ArrayView<TDevice> source, ArrayView<TDevice> target, long oldRun, long newRun, long threads)
    {
        for (long element = index; element < source.Length; element += threads)
        {
            long run = element / oldRun;
            long offset = element - (run * oldRun);
            target[(run * newRun) + offset] = source[element];
        }
    }
}
