using System.Runtime.CompilerServices;

namespace KernelGen;

/// <summary>
/// The key tiles one tile of queries visits, FlashAttention-style: the sink tiles <c>[0, SinkTiles)</c>, then the band's
/// tiles <c>[FirstTile, EndTile)</c>; every other tile holds no visible key and is never loaded. Tiles that every query
/// of the tile sees whole (<c>[FirstUnmaskedTile, EndUnmaskedTile)</c> in the band, <c>[0, UnmaskedSinkTiles)</c> among the
/// sinks) skip the per-element mask; the few others cross a window, chunk or sink edge (or the end of the keys) and are
/// masked.
/// </summary>
/// <remarks>
/// When the sink tiles reach the band's first tile the two runs are one (<see cref="SinkTiles"/> is 0 and
/// <see cref="FirstTile"/> 0), so no tile is ever visited twice. Plain fields and static arithmetic only, so kernels can
/// call it; inlined, the window constants fold.
/// </remarks>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly struct KeyTilePlan
{
    /// <summary>The first key tile of the band with a possibly visible key.</summary>
    public readonly int FirstTile;

    /// <summary>One past the last key tile with a possibly visible key.</summary>
    public readonly int EndTile;

    /// <summary>The first band tile that every query of the tile sees whole.</summary>
    public readonly int FirstUnmaskedTile;

    /// <summary>One past the last band tile that every query of the tile sees whole.</summary>
    public readonly int EndUnmaskedTile;

    /// <summary>The first band key any query of the tile sees (inside <see cref="FirstTile"/>).</summary>
    public readonly int FirstKey;

    /// <summary>One past the last key any query of the tile sees (inside the tile before <see cref="EndTile"/>).</summary>
    public readonly int EndKey;

    /// <summary>Tiles <c>[0, SinkTiles)</c> hold sink keys and are visited before the band's tiles; 0 when none are separate.</summary>
    public readonly int SinkTiles;

    /// <summary>One past the last sink key any query of the tile sees (inside the tile before <see cref="SinkTiles"/>).</summary>
    public readonly int SinkEndKey;

    /// <summary>Tiles <c>[0, UnmaskedSinkTiles)</c> are sink keys of every query of the tile.</summary>
    public readonly int UnmaskedSinkTiles;

    /// <summary>
    /// Creates a plan from tile indices and the keys they hold; the unmasked range must lie inside the visited range,
    /// <c>[firstKey, endKey)</c> inside the band's tiles, and the sink tiles before the band's first tile.
    /// </summary>
    public KeyTilePlan(int firstTile, int endTile, int firstUnmaskedTile, int endUnmaskedTile, int firstKey, int endKey, int sinkTiles, int sinkEndKey, int unmaskedSinkTiles)
    {
        FirstTile = firstTile;
        EndTile = endTile;
        FirstUnmaskedTile = firstUnmaskedTile;
        EndUnmaskedTile = endUnmaskedTile;
        FirstKey = firstKey;
        EndKey = endKey;
        SinkTiles = sinkTiles;
        SinkEndKey = sinkEndKey;
        UnmaskedSinkTiles = unmaskedSinkTiles;
    }

    /// <summary>How many tiles the plan visits: the sink tiles, then the band's.</summary>
    public int VisitCount => SinkTiles + EndTile - FirstTile;

    /// <summary>The key tile of visit <paramref name="visit"/> (from 0 to <see cref="VisitCount"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int TileAt(int visit) => visit < SinkTiles ? visit : FirstTile + visit - SinkTiles;

    /// <summary>Whether the plan visits key tile <paramref name="tile"/>.</summary>
    public bool Visits(int tile) => tile < SinkTiles || (tile >= FirstTile && tile < EndTile);

    /// <summary>The first key of visited tile <paramref name="tile"/> that some query of the tile may see.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int TileKeyStart(int tile, int keyTileSize) =>
        tile < SinkTiles || tile * keyTileSize >= FirstKey ? tile * keyTileSize : FirstKey;

    /// <summary>One past the last key of visited tile <paramref name="tile"/> that some query of the tile may see.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int TileKeyEnd(int tile, int keyTileSize)
    {
        int end = tile < SinkTiles ? SinkEndKey : EndKey;
        return (tile + 1) * keyTileSize < end ? (tile + 1) * keyTileSize : end;
    }

    /// <summary>Whether key tile <paramref name="tile"/> crosses a window, chunk or sink edge and needs the per-element mask.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool NeedsMask(int tile) => tile >= UnmaskedSinkTiles && (tile < FirstUnmaskedTile || tile >= EndUnmaskedTile);

    /// <summary>
    /// Plans queries <c>[queryStart, queryEnd)</c> (with <c>queryEnd &lt;= seqQ</c>) against <paramref name="seqK"/> keys
    /// cut into tiles of <paramref name="keyTileSize"/>. Query <c>i</c> sees the keys <see cref="WindowRows"/> gives for
    /// diagonal <c>i + diagonalOffset</c>: its band <c>[d - left, d + right]</c> (a side dropping out when it has no
    /// bound), cut to its chunk when <paramref name="chunkSize"/> is positive, and its sink keys.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static KeyTilePlan ForQueryTile(
        int queryStart, int queryEnd, long diagonalOffset,
        bool hasLeftBound, long left, bool hasRightBound, long right, long chunkSize, long sinkTokens,
        int seqK, int keyTileSize)
    {
        if (queryEnd <= queryStart)
        {
            return new KeyTilePlan(0, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        long firstDiagonal = queryStart + diagonalOffset;
        long lastDiagonal = queryEnd - 1 + diagonalOffset;

        // Both ends of a row's keys never decrease from row to row: the union of the rows' keys runs from the first row's
        // start to the last row's end, and the keys every row sees from the last row's start to the first row's end.
        long firstKey = WindowRows.BandStart(firstDiagonal, hasLeftBound, left, chunkSize, seqK);
        long endKey = WindowRows.BandEnd(lastDiagonal, hasRightBound, right, chunkSize, seqK);
        long sinkEnd = WindowRows.SinkEnd(lastDiagonal, hasLeftBound, left, hasRightBound, right, sinkTokens, seqK);
        long sharedSinkEnd = WindowRows.SinkEnd(firstDiagonal, hasLeftBound, left, hasRightBound, right, sinkTokens, seqK);
        long sinkTiles = CeilingDivide(sinkEnd, keyTileSize);
        long unmaskedSinkTiles = sharedSinkEnd / keyTileSize;

        long firstTile, endTile;
        if (endKey <= firstKey)
        {
            // No row sees a band key: only the sinks, if any, are visited.
            firstTile = endTile = sinkTiles;
            firstKey = endKey = sinkEnd;
        }
        else
        {
            firstTile = firstKey / keyTileSize;
            endTile = CeilingDivide(endKey, keyTileSize);
        }

        if (sinkTiles >= firstTile && sinkEnd > 0)
        {
            // The sinks run into the band's tiles: one run from key 0.
            firstTile = firstKey = 0;
            endTile = Max(endTile, sinkTiles);
            endKey = Max(endKey, sinkEnd);
            sinkTiles = 0;
        }

        // Only whole tiles inside every row's band count.
        long firstUnmasked = CeilingDivide(WindowRows.BandStart(lastDiagonal, hasLeftBound, left, chunkSize, seqK), keyTileSize);
        long endUnmasked = WindowRows.BandEnd(firstDiagonal, hasRightBound, right, chunkSize, seqK) / keyTileSize;
        firstUnmasked = Max(firstUnmasked, firstTile);
        endUnmasked = Min(endUnmasked, endTile);
        if (endUnmasked <= firstUnmasked)
        {
            firstUnmasked = endUnmasked = firstTile;
        }

        return new KeyTilePlan(
            (int)firstTile, (int)endTile, (int)firstUnmasked, (int)endUnmasked, (int)firstKey, (int)endKey,
            (int)sinkTiles, (int)sinkEnd, (int)unmaskedSinkTiles);
    }

    // Plain ternaries rather than Math calls: they compile the same on every ILGPU backend.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Max(long a, long b) => a > b ? a : b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Min(long a, long b) => a < b ? a : b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long CeilingDivide(long nonNegative, long divisor) => (nonNegative + divisor - 1) / divisor;
}
