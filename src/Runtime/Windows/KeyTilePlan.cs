using System.Runtime.CompilerServices;

namespace KernelGen;

/// <summary>
/// The key tiles one tile of queries visits, FlashAttention-style: tiles before <see cref="FirstTile"/> and from
/// <see cref="EndTile"/> on hold no visible key and are never loaded; tiles in
/// <c>[FirstUnmaskedTile, EndUnmaskedTile)</c> are visible to every query of the tile and skip the per-element
/// mask; the few tiles in between cross a window edge (or the end of the keys) and are masked.
/// </summary>
/// <remarks>Plain fields and static arithmetic only, so kernels can call it; inlined, the window constants fold.</remarks>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly struct KeyTilePlan
{
    /// <summary>The first key tile with a possibly visible key.</summary>
    public readonly int FirstTile;

    /// <summary>One past the last key tile with a possibly visible key.</summary>
    public readonly int EndTile;

    /// <summary>The first tile that every query of the tile sees whole.</summary>
    public readonly int FirstUnmaskedTile;

    /// <summary>One past the last tile that every query of the tile sees whole.</summary>
    public readonly int EndUnmaskedTile;

    /// <summary>The first key any query of the tile sees (inside <see cref="FirstTile"/>).</summary>
    public readonly int FirstKey;

    /// <summary>One past the last key any query of the tile sees (inside the tile before <see cref="EndTile"/>).</summary>
    public readonly int EndKey;

    /// <summary>
    /// Creates a plan from tile indices and the keys they hold; the unmasked range must lie inside the visited range,
    /// and <c>[firstKey, endKey)</c> inside the visited tiles.
    /// </summary>
    public KeyTilePlan(int firstTile, int endTile, int firstUnmaskedTile, int endUnmaskedTile, int firstKey, int endKey)
    {
        FirstTile = firstTile;
        EndTile = endTile;
        FirstUnmaskedTile = firstUnmaskedTile;
        EndUnmaskedTile = endUnmaskedTile;
        FirstKey = firstKey;
        EndKey = endKey;
    }

    /// <summary>Whether key tile <paramref name="tile"/> crosses a window edge and needs the per-element mask.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool NeedsMask(int tile) => tile < FirstUnmaskedTile || tile >= EndUnmaskedTile;

    /// <summary>
    /// Plans queries <c>[queryStart, queryEnd)</c> (with <c>queryEnd &lt;= seqQ</c>) against <paramref name="seqK"/> keys
    /// cut into tiles of <paramref name="keyTileSize"/>. Query <c>i</c> sees keys
    /// <c>[i + diagonalOffset - left, i + diagonalOffset + right]</c>, a side dropping out when it has no bound.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static KeyTilePlan ForQueryTile(
        int queryStart, int queryEnd, long diagonalOffset,
        bool hasLeftBound, long left, bool hasRightBound, long right,
        int seqK, int keyTileSize)
    {
        long firstDiagonal = queryStart + diagonalOffset;
        long lastDiagonal = queryEnd - 1 + diagonalOffset;

        // The union of the rows' key ranges: the first row bounds it on the left, the last row on the right.
        long firstKey = hasLeftBound ? Max(0, firstDiagonal - left) : 0;
        long lastKey = hasRightBound ? Min((long)seqK - 1, lastDiagonal + right) : (long)seqK - 1;
        if (queryEnd <= queryStart || lastKey < firstKey)
        {
            return new KeyTilePlan(0, 0, 0, 0, 0, 0);
        }

        long firstTile = firstKey / keyTileSize;
        long endTile = lastKey / keyTileSize + 1;

        // The intersection: the last row's left bound and the first row's right bound; only whole tiles count.
        long firstUnmasked = hasLeftBound ? CeilingDivide(Max(0, lastDiagonal - left), keyTileSize) : 0;
        long endUnmasked = (long)seqK / keyTileSize;
        if (hasRightBound)
        {
            endUnmasked = Min(endUnmasked, FloorDivide(firstDiagonal + right + 1, keyTileSize));
        }

        firstUnmasked = Max(firstUnmasked, firstTile);
        endUnmasked = Min(endUnmasked, endTile);
        if (endUnmasked <= firstUnmasked)
        {
            firstUnmasked = endUnmasked = firstTile;
        }

        return new KeyTilePlan((int)firstTile, (int)endTile, (int)firstUnmasked, (int)endUnmasked, (int)firstKey, (int)lastKey + 1);
    }

    // Plain ternaries rather than Math calls: they compile the same on every ILGPU backend.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Max(long a, long b) => a > b ? a : b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Min(long a, long b) => a < b ? a : b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long CeilingDivide(long nonNegative, long divisor) => (nonNegative + divisor - 1) / divisor;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long FloorDivide(long value, long divisor) =>
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);
}
