using System;

namespace KernelGen;

/// <summary>
/// A <see cref="KeyValueCache{TElement}"/> in host memory, attended by the CPU kernel (<see cref="CpuAttention"/>) with the spec's
/// constants and window compiled in, as <c>ForwardCpu</c> is. Results are bit-identical whatever the thread count.
/// </summary>
/// <typeparam name="TConstants">The spec's <c>BakedConstants</c>.</typeparam>
/// <typeparam name="TWindow">The spec's <c>BakedWindow</c>.</typeparam>
/// <typeparam name="TElement">The spec's host element type, in which keys and values are stored: <see cref="float"/>, <see cref="Half"/> or <see cref="BFloat16"/>.</typeparam>
public sealed class HostKeyValueCache<TConstants, TWindow, TElement> : KeyValueCache<TElement>
    where TConstants : struct, IKernelConstants
    where TWindow : struct, IWindowBounds
    where TElement : unmanaged
{
    private readonly TWindow _bounds;
    private readonly CpuAttentionOptions? _options;
    private TElement[] _keys;
    private TElement[] _values;

    /// <summary>Creates an empty cache; the spec's <c>CreateCache</c> calls this with its window.</summary>
    /// <param name="bounds">The window's bounds as the kernel takes them: the spec's <c>BakedWindow</c>, or <see cref="RuntimeWindowBounds"/>.</param>
    /// <param name="window">The same window.</param>
    /// <param name="maxChunk">The most tokens one append adds to a row.</param>
    /// <param name="capacity">The ring's slots, or <see langword="null"/> for what the window needs.</param>
    /// <param name="batch">Batch rows.</param>
    /// <param name="heads">Query heads.</param>
    /// <param name="kvHeads">Key/value heads.</param>
    /// <param name="options">Threads for the CPU kernel; <see langword="null"/> for all cores.</param>
    /// <exception cref="NotSupportedException"><typeparamref name="TElement"/> is not an element type the CPU kernel takes.</exception>
    public HostKeyValueCache(TWindow bounds, AttentionWindow window, int maxChunk, int? capacity, int batch, int heads, int kvHeads, CpuAttentionOptions? options = null)
        : base(window, default(TConstants).HeadDim, default(TConstants).HasSinks, maxChunk, capacity, batch, heads, kvHeads)
    {
        CpuAttention.ValidateElement<TElement>();
        RequireSameWindow(bounds, window);
        _bounds = bounds;
        _options = options;
        _keys = Allocate(Capacity);
        _values = Allocate(Capacity);
    }

    /// <inheritdoc/>
    protected override void Write(ReadOnlySpan<TElement> keys, ReadOnlySpan<TElement> values, ReadOnlySpan<long> slots)
    {
        long headStride = (long)Capacity * HeadDim;
        for (int token = 0; token < slots.Length; token++)
        {
            for (int kvHead = 0; kvHead < KvHeads; kvHead++)
            {
                int source = ((token * KvHeads) + kvHead) * HeadDim;
                long target = slots[token] + (kvHead * headStride);
                keys.Slice(source, HeadDim).CopyTo(_keys.AsSpan().Slice((int)target, HeadDim));
                values.Slice(source, HeadDim).CopyTo(_values.AsSpan().Slice((int)target, HeadDim));
            }
        }
    }

    /// <inheritdoc/>
    protected override void Grow(int oldCapacity, int newCapacity)
    {
        _keys = Regrow(_keys, oldCapacity, newCapacity);
        _values = Regrow(_values, oldCapacity, newCapacity);
    }

    /// <inheritdoc/>
    protected override void Run(ReadOnlySpan<TElement> q, ReadOnlySpan<float> sinkLogits, Span<TElement> output, Span<float> logSumExp, SequenceGeometry geometry, ReadOnlySpan<SequenceLayout> sequences) =>
        CpuAttention.ForwardSequences(default(TConstants), _bounds, q, _keys, _values, sinkLogits, output, logSumExp, geometry, sequences, _options);

    /// <inheritdoc/>
    protected override void Release()
    {
        _keys = [];
        _values = [];
    }

    // Host arrays index with int: a store beyond Array.MaxLength elements is refused with what to change.
    private TElement[] Allocate(int capacity)
    {
        long elements = StoreElements(capacity);
        if (elements > Array.MaxLength)
        {
            throw new InvalidOperationException($"A host cache of {Batch} row(s) x {KvHeads} KV head(s) x {capacity} keys x {HeadDim} needs {elements} elements per store, more than a .NET array holds ({Array.MaxLength}); use fewer batch rows per cache.");
        }

        return new TElement[elements];
    }

    // A growing cache's positions are its slots, so each (row, head) run of slots moves whole to its new place.
    private TElement[] Regrow(TElement[] store, int oldCapacity, int newCapacity)
    {
        var grown = Allocate(newCapacity);
        for (long run = 0; run < (long)Batch * KvHeads; run++)
        {
            store.AsSpan().Slice((int)(run * oldCapacity * HeadDim), oldCapacity * HeadDim)
                .CopyTo(grown.AsSpan().Slice((int)(run * newCapacity * HeadDim)));
        }

        return grown;
    }
}
