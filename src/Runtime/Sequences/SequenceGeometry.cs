using System.Runtime.CompilerServices;

namespace KernelGen;

/// <summary>
/// How a call lays out its sequences: the sizes and strides every sequence shares. With it and each sequence's
/// <see cref="SequenceLayout"/>, a kernel finds any query, key and log-sum-exp element of a dense batch
/// (<c>[batch, seq, heads, HeadDim]</c>), a packed variable-length batch (FlashAttention's varlen layout,
/// <c>[tokens, heads, HeadDim]</c>) or a KV cache (a ring of <see cref="RingCapacity"/> slots per batch row and
/// key/value head, <c>[batch, kvHeads, capacity, HeadDim]</c>).
/// </summary>
/// <remarks>Plain numbers only: ILGPU kernels take it as an argument.</remarks>
public readonly struct SequenceGeometry
{
    /// <summary>Sequences in the call.</summary>
    public readonly int Sequences;

    /// <summary>Query heads.</summary>
    public readonly int Heads;

    /// <summary>Key/value heads.</summary>
    public readonly int KvHeads;

    /// <summary>Query heads that share one key/value head.</summary>
    public readonly int HeadsPerKvHead;

    /// <summary>Elements per head row.</summary>
    public readonly int HeadDim;

    /// <summary>Elements from one key position (or cache slot) to the next, within one key/value head.</summary>
    public readonly long KeyRowStride;

    /// <summary>Elements from one key/value head to the next, at one key position.</summary>
    public readonly long KeyHeadStride;

    /// <summary>
    /// Slots per ring, or 0 when key positions are slots: with a ring, key position <c>p</c> lies in slot
    /// <c>p % RingCapacity</c>, and only the last <see cref="RingCapacity"/> positions are held.
    /// </summary>
    public readonly int RingCapacity;

    /// <summary>
    /// Of a ring's slots, how many the first key positions keep for good (a window's sink tokens): position
    /// <c>p &lt; SinkSlots</c> lies in slot <c>p</c>, later ones circle through the other <c>RingCapacity - SinkSlots</c>.
    /// </summary>
    public readonly int SinkSlots;

    /// <summary>Log-sum-exp elements from one head to the next, at one query.</summary>
    public readonly long LogSumExpHeadStride;

    /// <summary>The most queries any sequence has: the launch grid covers this many.</summary>
    public readonly int MaxQueryCount;

    /// <summary>The most keys any sequence has.</summary>
    public readonly int MaxKeyCount;

    /// <summary>1 when the kernel writes the log-sum-exp, 0 when not (ILGPU kernel structs keep to numbers).</summary>
    public readonly int WritesLogSumExp;

    /// <summary>Creates a geometry from its strides; prefer <see cref="Dense"/>, <see cref="Packed"/> and <see cref="Cache"/>.</summary>
    public SequenceGeometry(
        int sequences, int heads, int kvHeads, int headDim, long keyRowStride, long keyHeadStride, int ringCapacity,
        long logSumExpHeadStride, int maxQueryCount, int maxKeyCount, bool writesLogSumExp, int sinkSlots = 0)
    {
        Sequences = sequences;
        Heads = heads;
        KvHeads = kvHeads;
        HeadsPerKvHead = heads / kvHeads;
        HeadDim = headDim;
        KeyRowStride = keyRowStride;
        KeyHeadStride = keyHeadStride;
        RingCapacity = ringCapacity;
        SinkSlots = sinkSlots;
        LogSumExpHeadStride = logSumExpHeadStride;
        MaxQueryCount = maxQueryCount;
        MaxKeyCount = maxKeyCount;
        WritesLogSumExp = writesLogSumExp ? 1 : 0;
    }

    /// <summary>A dense batch: <c>q</c> <c>[batch, seqQ, heads, HeadDim]</c>, <c>k</c> and <c>v</c> <c>[batch, seqK, kvHeads, HeadDim]</c>, log-sum-exp <c>[batch, heads, seqQ]</c>.</summary>
    public static SequenceGeometry Dense(AttentionShape shape, int headDim, bool writesLogSumExp) =>
        new(shape.Batch, shape.Heads, shape.KvHeads, headDim, (long)shape.KvHeads * headDim, headDim, 0, shape.SeqQ,
            shape.SeqQ, shape.SeqK, writesLogSumExp);

    /// <summary>
    /// Sequence <paramref name="batch"/> of a geometry made by <see cref="Dense"/>: the ILGPU kernel computes it rather than
    /// read it, so that a dense call needs no layout buffer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SequenceLayout DenseSequence(int batch, long diagonalOffset) =>
        new((long)batch * MaxQueryCount, MaxQueryCount, (long)batch * MaxKeyCount * KeyRowStride, MaxKeyCount, diagonalOffset,
            (long)batch * Heads * LogSumExpHeadStride);

    /// <summary>
    /// A packed batch (FlashAttention's varlen layout): <c>q</c> <c>[totalQ, heads, HeadDim]</c>, <c>k</c> and <c>v</c>
    /// <c>[totalK, kvHeads, HeadDim]</c>, log-sum-exp <c>[heads, totalQ]</c>.
    /// </summary>
    public static SequenceGeometry Packed(int sequences, int heads, int kvHeads, int headDim, long totalQueries, int maxQueryCount, int maxKeyCount, bool writesLogSumExp) =>
        new(sequences, heads, kvHeads, headDim, (long)kvHeads * headDim, headDim, 0, totalQueries, maxQueryCount, maxKeyCount, writesLogSumExp);

    /// <summary>
    /// A KV cache: keys and values <c>[batch, kvHeads, capacity, HeadDim]</c>, a ring when <paramref name="ring"/>;
    /// queries packed <c>[totalQ, heads, HeadDim]</c>, log-sum-exp <c>[heads, totalQ]</c>.
    /// </summary>
    public static SequenceGeometry Cache(int sequences, int heads, int kvHeads, int headDim, int capacity, bool ring, int sinkSlots, long totalQueries, int maxQueryCount, int maxKeyCount, bool writesLogSumExp) =>
        new(sequences, heads, kvHeads, headDim, headDim, (long)capacity * headDim, ring ? capacity : 0, totalQueries, maxQueryCount, maxKeyCount, writesLogSumExp, ring ? sinkSlots : 0);

    /// <summary>Where element 0 of query (or output) row <c>[query, head]</c> of <paramref name="sequence"/> starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long QueryRow(in SequenceLayout sequence, long query, int head) => ((sequence.QueryStart + query) * Heads + head) * HeadDim;

    /// <summary>The slot that holds key position <paramref name="key"/>.</summary>
    /// <remarks>
    /// Positions are below <see cref="SequenceLayout.KeyCount"/>, an int, so the ring's remainder is taken in 32 bits: a
    /// 64-bit remainder is a long software routine on GPUs, and kernels take it for every key element they load.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long KeySlot(long key) =>
        RingCapacity == 0 || key < SinkSlots ? key : SinkSlots + ((int)key - SinkSlots) % (RingCapacity - SinkSlots);

    /// <summary>How many positions from <paramref name="key"/> on lie in consecutive slots (before the ring wraps, or the sink slots end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ContiguousSlots(long key) =>
        RingCapacity == 0 ? int.MaxValue : key < SinkSlots ? SinkSlots - key : RingCapacity - KeySlot(key);

    /// <summary>Where element 0 of key (or value) position <paramref name="key"/> of <paramref name="kvHead"/> starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long KeyRow(in SequenceLayout sequence, long key, int kvHead) => SlotRow(sequence, KeySlot(key), kvHead);

    /// <summary>
    /// Where element 0 of key (or value) slot <paramref name="slot"/> of <paramref name="kvHead"/> starts: <see cref="KeyRow"/>
    /// without the ring, for kernels that have already found the slot (or know there is no ring, where slots are positions).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long SlotRow(in SequenceLayout sequence, long slot, int kvHead) => sequence.KeyStart + (slot * KeyRowStride) + (kvHead * KeyHeadStride);

    /// <summary>The log-sum-exp element of <c>[head, query]</c> of <paramref name="sequence"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long LogSumExpIndex(in SequenceLayout sequence, int head, long query) => sequence.LogSumExpStart + (head * LogSumExpHeadStride) + query;
}
