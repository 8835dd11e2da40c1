using System;

namespace KernelGen;

/// <summary>
/// The one canonical attention window every KernelGen component agrees on. Key <c>j</c> is visible to query
/// <c>i</c> iff <c>0 &lt;= j &lt; seqK</c> and <c>i + off - Left &lt;= j &lt;= i + off + Right</c>, both bounds
/// inclusive, where <c>off = seqK - seqQ</c> for <see cref="WindowAlignment.BottomRight"/> and <c>0</c> for
/// <see cref="WindowAlignment.TopLeft"/>. A <see langword="null"/> bound is unbounded on that side.
/// </summary>
/// <remarks>
/// A causal window of <c>L</c> keys before the diagonal is <c>(Left: L, Right: 0)</c> and shows <c>L + 1</c> keys.
/// All arithmetic is done in <see cref="long"/>, so any <see cref="int"/> bounds and lengths are safe.
/// This file is compiled into both the runtime and the generator, so the build-time checks and the kernels
/// share one definition.
/// </remarks>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly partial record struct AttentionWindow
{
    /// <summary>Creates a window from inclusive bounds; <see langword="null"/> leaves that side unbounded.</summary>
    public AttentionWindow(int? left, int? right, WindowAlignment alignment = WindowAlignment.BottomRight)
    {
        if (alignment != WindowAlignment.BottomRight && alignment != WindowAlignment.TopLeft)
        {
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, "Use WindowAlignment.BottomRight or WindowAlignment.TopLeft.");
        }

        Left = left;
        Right = right;
        Alignment = alignment;
    }

    /// <summary>How many keys before the diagonal are visible (inclusive); <see langword="null"/> = all of them.</summary>
    public int? Left { get; }

    /// <summary>How many keys after the diagonal are visible (inclusive); <see langword="null"/> = all of them.</summary>
    public int? Right { get; }

    /// <summary>Where the diagonal sits when the query and key lengths differ.</summary>
    public WindowAlignment Alignment { get; }

    /// <summary>No mask at all: every query sees every key.</summary>
    public static AttentionWindow Unbounded => new(null, null);

    /// <summary>Causal attention (no keys after the diagonal), optionally limited to <paramref name="left"/> keys before it.</summary>
    public static AttentionWindow Causal(int? left = null, WindowAlignment alignment = WindowAlignment.BottomRight) => new(left, 0, alignment);

    /// <summary>True when no key can ever be visible: both sides are bounded and <c>Left + Right &lt; 0</c>.</summary>
    public bool IsEmpty => Left is int left && Right is int right && (long)left + right < 0;

    /// <summary>True when the query's own (diagonal) key is hidden, as with a negative bound.</summary>
    public bool HidesDiagonal => Left < 0 || Right < 0;

    /// <summary>The key index that query 0 lines up with: <c>seqK - seqQ</c> bottom-right, <c>0</c> top-left.</summary>
    public long DiagonalOffset(int seqQ, int seqK) => Alignment == WindowAlignment.BottomRight ? (long)seqK - seqQ : 0;

    /// <summary>Whether <paramref name="key"/> is visible to <paramref name="query"/> for the given sequence lengths.</summary>
    public bool IsVisible(int query, int key, int seqQ, int seqK)
    {
        var keys = VisibleKeys(query, seqQ, seqK);
        return key >= keys.Start && key < keys.End;
    }

    /// <summary>The contiguous range of keys visible to <paramref name="query"/>; empty when it sees none.</summary>
    public KeyRange VisibleKeys(int query, int seqQ, int seqK)
    {
        var diagonal = query + DiagonalOffset(seqQ, seqK);
        var first = Left is int left ? Math.Max(0, diagonal - left) : 0;
        var last = Right is int right ? Math.Min((long)seqK - 1, diagonal + right) : (long)seqK - 1;
        return last < first ? new KeyRange(0, 0) : new KeyRange((int)first, (int)(last + 1));
    }

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

        // Query i sees keys [clamp(i + off - Left), clamp(i + off + Right + 1)), both clamped to [0, seqK]. Clamping
        // keeps order and Left + Right >= 0, so no end falls below its start: the count is a sum of ends minus a sum
        // of starts, each a sum of a clamped arithmetic sequence.
        var offset = DiagonalOffset(seqQ, seqK);
        var ends = Right is int right ? SumOfClamped(offset + right + 1, seqQ, seqK) : (long)seqQ * seqK;
        var starts = Left is int left ? SumOfClamped(offset - left, seqQ, seqK) : 0;
        return ends - starts;
    }

    // The sum of clamp(first + i, 0, limit) for i in [0, count), region by region so that no term overflows.
    private static long SumOfClamped(long first, int count, int limit)
    {
        var last = first + count - 1;
        var risingFrom = Math.Max(first, 1);
        var risingTo = Math.Min(last, (long)limit - 1);
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
            Left.HasValue, Left ?? 0, Right.HasValue, Right ?? 0, seqK, keyTileSize);

    /// <summary>The window in words, for example <c>keys [i - 4095, i + 0] (bottom-right)</c>.</summary>
    public override string ToString()
    {
        var from = Left is int left ? Offset(-(long)left) : "0";
        var to = Right is int right ? Offset(right) : "end";
        var alignment = Alignment == WindowAlignment.BottomRight ? "bottom-right" : "top-left";
        return $"keys [{from}, {to}] ({alignment})";

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
