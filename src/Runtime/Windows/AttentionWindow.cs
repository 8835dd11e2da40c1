using System;

namespace KernelGen;

/// <summary>
/// The one canonical attention window every KernelGen component agrees on. Key <c>j</c> is visible to query
/// <c>i</c> iff <c>0 &lt;= j &lt; seqK</c> and <c>i + off - Left &lt;= j &lt;= i + off + Right</c>, both bounds
/// inclusive, where <c>off = seqK - seqQ</c> for <see cref="WindowAlignment.BottomRight"/> and <c>0</c> for
/// <see cref="WindowAlignment.TopLeft"/>. A <see langword="null"/> bound is unbounded on that side. A chunked window
/// (<see cref="ChunkSize"/>) also needs <c>j</c> in the query's chunk; sink tokens (<see cref="SinkTokens"/>) make
/// <c>j &lt; SinkTokens</c> visible whenever <c>j &lt;= i + off + Right</c>.
/// </summary>
/// <remarks>
/// A causal window of <c>L</c> keys before the diagonal is <c>(Left: L, Right: 0)</c> and shows <c>L + 1</c> keys.
/// All arithmetic is done in <see cref="long"/>, so any <see cref="int"/> bounds and lengths are safe.
/// This file is compiled into both the runtime and the generator, so the build-time checks and the kernels
/// share one definition; the row arithmetic is <see cref="WindowRows"/>'.
/// </remarks>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly partial record struct AttentionWindow
{
    /// <summary>
    /// Creates a window from inclusive bounds; <see langword="null"/> leaves that side unbounded. <paramref name="chunkSize"/>
    /// cuts the keys into chunks of that many positions counted from key 0, and a query sees only its own chunk (its
    /// position being its diagonal); <paramref name="sinkTokens"/> keeps the first keys visible beside the band
    /// (StreamingLLM), relaxing only the left bound.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An unknown alignment, a chunk size below 1 or a negative sink count.</exception>
    /// <exception cref="ArgumentException">Sink tokens without a left bound (they would change nothing), or together with chunks.</exception>
    public AttentionWindow(int? left, int? right, WindowAlignment alignment = WindowAlignment.BottomRight, int? chunkSize = null, int sinkTokens = 0)
    {
        if (alignment != WindowAlignment.BottomRight && alignment != WindowAlignment.TopLeft)
        {
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, "Use WindowAlignment.BottomRight or WindowAlignment.TopLeft.");
        }

        if (chunkSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, "A chunk holds at least one key position.");
        }

        if (sinkTokens < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sinkTokens), sinkTokens, "The number of sink tokens cannot be negative.");
        }

        if (sinkTokens > 0 && left is null)
        {
            throw new ArgumentException("Sink tokens need a left bound: without one every earlier key is visible already.", nameof(sinkTokens));
        }

        if (sinkTokens > 0 && chunkSize is not null)
        {
            throw new ArgumentException("Sink tokens and chunks do not combine: the sinks lie in chunk 0, which later chunks never see.", nameof(sinkTokens));
        }

        Left = left;
        Right = right;
        Alignment = alignment;
        ChunkSize = chunkSize;
        SinkTokens = sinkTokens;
    }

    /// <summary>How many keys before the diagonal are visible (inclusive); <see langword="null"/> = all of them.</summary>
    public int? Left { get; }

    /// <summary>How many keys after the diagonal are visible (inclusive); <see langword="null"/> = all of them.</summary>
    public int? Right { get; }

    /// <summary>Where the diagonal sits when the query and key lengths differ.</summary>
    public WindowAlignment Alignment { get; }

    /// <summary>Key positions per chunk, counted from key 0, or <see langword="null"/> when the window is not chunked.</summary>
    public int? ChunkSize { get; }

    /// <summary>How many of the first keys stay visible beside the band (StreamingLLM's attention sinks); 0 for none.</summary>
    public int SinkTokens { get; }

    /// <summary>No mask at all: every query sees every key.</summary>
    public static AttentionWindow Unbounded => new(null, null);

    /// <summary>Causal attention (no keys after the diagonal), optionally limited to <paramref name="left"/> keys before it.</summary>
    public static AttentionWindow Causal(int? left = null, WindowAlignment alignment = WindowAlignment.BottomRight) => new(left, 0, alignment);

    /// <summary>
    /// True when no key can ever be visible: the band is empty (<c>Left + Right &lt; 0</c>) or every chunk hides it
    /// (<c>ChunkSize &lt;= -Left</c> or <c>ChunkSize &lt;= -Right</c>: the band lies wholly outside its query's chunk), and
    /// there are no sink tokens.
    /// </summary>
    public bool IsEmpty => SinkTokens == 0 && (BandIsEmpty || ChunkHidesBand);

    /// <summary>True when the query's own (diagonal) key is hidden, as with a negative bound.</summary>
    public bool HidesDiagonal => Left < 0 || Right < 0;

    private bool BandIsEmpty => Left is int left && Right is int right && (long)left + right < 0;

    // The band's keys nearest the diagonal lie -Left (or -Right) positions from it, which the query's chunk never reaches
    // when a chunk is that short.
    private bool ChunkHidesBand => ChunkSize is int size && (size <= -(long)(Left ?? 0) || size <= -(long)(Right ?? 0));

    /// <summary>The key index that query 0 lines up with: <c>seqK - seqQ</c> bottom-right, <c>0</c> top-left.</summary>
    public long DiagonalOffset(int seqQ, int seqK) => Alignment == WindowAlignment.BottomRight ? (long)seqK - seqQ : 0;

    /// <summary>Whether <paramref name="key"/> is visible to <paramref name="query"/> for the given sequence lengths.</summary>
    public bool IsVisible(int query, int key, int seqQ, int seqK)
    {
        var keys = VisibleKeys(query, seqQ, seqK);
        return key >= 0 && ((key >= keys.Start && key < keys.End) || key < SinkKeys(query, seqQ, seqK).End);
    }

    /// <summary>
    /// The contiguous range of band keys visible to <paramref name="query"/> (cut to its chunk when chunked); empty when it
    /// sees none. Its sink keys, <see cref="SinkKeys"/>, lie before this range.
    /// </summary>
    public KeyRange VisibleKeys(int query, int seqQ, int seqK)
    {
        var diagonal = query + DiagonalOffset(seqQ, seqK);
        var first = WindowRows.BandStart(diagonal, Left.HasValue, Left ?? 0, ChunkSize ?? 0, seqK);
        var end = WindowRows.BandEnd(diagonal, Right.HasValue, Right ?? 0, ChunkSize ?? 0, seqK);
        return end <= first ? new KeyRange(0, 0) : new KeyRange((int)first, (int)end);
    }

    /// <summary>The sink keys visible to <paramref name="query"/> beside its band: <c>[0, End)</c>, empty without sink tokens.</summary>
    public KeyRange SinkKeys(int query, int seqQ, int seqK) =>
        new(0, (int)WindowRows.SinkEnd(query + DiagonalOffset(seqQ, seqK), Left.HasValue, Left ?? 0, Right.HasValue, Right ?? 0, SinkTokens, seqK));

    /// <summary>
    /// The exact number of visible (query, key) pairs for these lengths, in closed form (no loop over queries): the
    /// work a window-aware kernel does, and what benchmarks count FLOPs by.
    /// </summary>
    public long VisiblePairs(int seqQ, int seqK)
    {
        if (seqQ <= 0 || seqK <= 0 || IsEmpty)
        {
            return 0;
        }

        var offset = DiagonalOffset(seqQ, seqK);
        var band = BandIsEmpty ? 0 : ChunkSize is int size ? ChunkedBandPairs(offset, seqQ, seqK, size) : BandPairs(offset, seqQ, 0, seqK);

        // Query i's sinks are [0, clamp(min(N, d - Left, d + Right + 1), 0, seqK)) with d = i + off: a clamped arithmetic
        // sequence again, capped at min(N, seqK).
        var sinks = SinkTokens > 0 && Left is int sinkLeft
            ? SumOfClamped(offset - Math.Max(sinkLeft, Right is int right ? -(long)right - 1 : sinkLeft), seqQ, Math.Min(SinkTokens, seqK))
            : 0;
        return band + sinks;
    }

    // Band pairs of the queries whose diagonals are first .. first + count - 1, keys clamped to [low, high). Each query
    // sees [clamp(d - Left), clamp(d + Right + 1)); clamping keeps order and Left + Right >= 0, so no end falls below its
    // start: the count is a sum of ends minus a sum of starts, each a sum of a clamped arithmetic sequence.
    private long BandPairs(long first, long count, long low, long high)
    {
        var ends = Right is int right ? SumOfClamped(first + right + 1 - low, count, high - low) : count * (high - low);
        var starts = Left is int left ? SumOfClamped(first - left - low, count, high - low) : 0;
        return ends - starts;
    }

    // Chunk c holds keys [cS, cS + S) and the queries whose diagonals lie in it; each query's band is clamped to its chunk.
    // Only chunks that hold both queries and keys count. Between the first and the last of them every chunk has all S
    // queries and all S keys, so they count alike: two chunks are counted, and one more stands for the rest.
    private long ChunkedBandPairs(long offset, int seqQ, int seqK, long size)
    {
        var firstChunk = Math.Max(WindowRows.ChunkStart(offset, size), 0) / size;
        var lastChunk = Math.Min(WindowRows.ChunkStart(offset + seqQ - 1, size), WindowRows.ChunkStart(seqK - 1, size)) / size;
        if (lastChunk < firstChunk)
        {
            return 0;
        }

        var ends = ChunkPairs(firstChunk, offset, seqQ, seqK, size) + (lastChunk > firstChunk ? ChunkPairs(lastChunk, offset, seqQ, seqK, size) : 0);
        return lastChunk - firstChunk > 1 ? ends + ((lastChunk - firstChunk - 1) * ChunkPairs(firstChunk + 1, offset, seqQ, seqK, size)) : ends;
    }

    // The band pairs of chunk's queries, their keys clamped to the chunk.
    private long ChunkPairs(long chunk, long offset, int seqQ, int seqK, long size)
    {
        var chunkStart = chunk * size;
        var from = Math.Max(chunkStart, offset);
        var to = Math.Min(chunkStart + size - 1, offset + seqQ - 1);
        return BandPairs(from, to - from + 1, chunkStart, Math.Min(chunkStart + size, seqK));
    }

    // The sum of clamp(first + i, 0, limit) for i in [0, count), region by region so that no term overflows.
    private static long SumOfClamped(long first, long count, long limit)
    {
        var last = first + count - 1;
        var risingFrom = Math.Max(first, 1);
        var risingTo = Math.Min(last, limit - 1);
        var rising = risingTo >= risingFrom ? (risingFrom + risingTo) * (risingTo - risingFrom + 1) / 2 : 0;
        var flatFrom = Math.Max(first, limit);
        var flat = last >= flatFrom ? (last - flatFrom + 1) * limit : 0;
        return rising + flat;
    }

    /// <summary>
    /// Which key tiles a tile of queries <c>[queryStart, queryEnd)</c> must visit and which of them need the
    /// per-element mask. This is the arithmetic the generated kernels run.
    /// </summary>
    public KeyTilePlan PlanKeyTiles(int queryStart, int queryEnd, int seqQ, int seqK, int keyTileSize) =>
        KeyTilePlan.ForQueryTile(
            queryStart, queryEnd, DiagonalOffset(seqQ, seqK),
            Left.HasValue, Left ?? 0, Right.HasValue, Right ?? 0, ChunkSize ?? 0, SinkTokens, seqK, keyTileSize);

    /// <summary>The window in words, for example <c>keys [i - 4095, i + 0] (bottom-right)</c>.</summary>
    public override string ToString()
    {
        var from = Left is int left ? Offset(-(long)left) : "0";
        var to = Right is int right ? Offset(right) : "end";
        var alignment = Alignment == WindowAlignment.BottomRight ? "bottom-right" : "top-left";
        var chunks = ChunkSize is int size ? $" within chunks of {size} keys" : string.Empty;
        var sinks = SinkTokens > 0 ? $" and sink keys [0, {SinkTokens})" : string.Empty;
        return $"keys [{from}, {to}]{chunks}{sinks} ({alignment})";

        static string Offset(long offset) => offset < 0 ? $"i - {-offset}" : $"i + {offset}";
    }
}

/// <summary>A half-open range of key indices <c>[Start, End)</c>.</summary>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct KeyRange(int Start, int End)
{
    /// <summary>How many keys the range holds.</summary>
    public int Count => End - Start;

    /// <summary>True when the range holds no key.</summary>
    public bool IsEmpty => End <= Start;
}
