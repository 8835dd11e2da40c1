using System;
using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;

namespace KernelGen;

/// <summary>
/// How the ILGPU kernel cuts a call into groups. It is chosen from the sizes alone (<see cref="For"/>), never from
/// timings, so a shape always runs the same way.
/// <list type="bullet">
/// <item><b>Tiled</b>, when some sequence has more queries than a query tile holds (prefill): one group per query tile,
/// query head and sequence, visiting every key tile its queries see.</item>
/// <item><b>Decode</b>, when every sequence's queries fit one query tile (decoding, short chunks): the rows of a tile are
/// the (query, head) pairs of the query heads that share one key/value head, query after query, so each key and value
/// row is loaded once for all of them. When that leaves fewer than <see cref="TargetGroups"/> groups, the key tiles of
/// each row tile are split into <see cref="Splits"/> parts of at least <see cref="MinKeyTilesPerSplit"/> tiles, one
/// group each (flash-decoding): each writes its rows' unnormalised output, max and sum, and a second kernel on the
/// same stream combines the parts by log-sum-exp (<see cref="SplitKeyCombine"/>).</item>
/// </list>
/// </summary>
/// <remarks>Plain numbers only: the kernels take it as an argument, and its helpers are the kernels' own arithmetic.</remarks>
public readonly struct AttentionSchedule
{
    /// <summary>
    /// The groups below which decode splits the keys: about two per multiprocessor on the largest GPUs (132 on an
    /// H100 or H200), so that a single sequence's decode step does not leave most of the chip idle.
    /// </summary>
    public const int TargetGroups = 256;

    /// <summary>The fewest key tiles a split covers, so that its fixed costs (Q staging, partial results) stay a small share.</summary>
    public const int MinKeyTilesPerSplit = 2;

    /// <summary>Floats per partial result after the <c>HeadDim</c> outputs: the row's max and sum.</summary>
    public const int PartialStatistics = 2;

    /// <summary>Query heads a tile interleaves: 1 when tiled (a group serves one head), the heads per key/value head when decoding.</summary>
    public readonly int PackedHeads;

    /// <summary>Parts each row tile's key tiles are split into; 1 when the keys are not split.</summary>
    public readonly int Splits;

    /// <summary>Row tiles per sequence and grid row (head when tiled, key/value head when decoding).</summary>
    public readonly int RowTiles;

    /// <summary>The diagonal of every sequence of a dense call, whose layouts the kernel computes (<see cref="Sequence"/>).</summary>
    public readonly long DenseDiagonalOffset;

    private AttentionSchedule(int packedHeads, int splits, int rowTiles, long denseDiagonalOffset)
    {
        PackedHeads = packedHeads;
        Splits = splits;
        RowTiles = rowTiles;
        DenseDiagonalOffset = denseDiagonalOffset;
    }

    /// <summary>The schedule for <paramref name="geometry"/>: the rule in the type's summary.</summary>
    /// <param name="geometry">The call's sizes.</param>
    /// <param name="window">The window, which bounds the keys a row tile can reach.</param>
    /// <param name="tiles">The kernel's tile sizes.</param>
    /// <param name="denseDiagonalOffset">The diagonal of a dense call (ignored for calls with layouts).</param>
    public static AttentionSchedule For<TWindow>(SequenceGeometry geometry, TWindow window, IlgpuTiles tiles, long denseDiagonalOffset)
        where TWindow : struct, IWindowBounds
    {
        if (geometry.MaxQueryCount > tiles.QueryTileSize)
        {
            return new AttentionSchedule(1, 1, (int)CeilingDivide(geometry.MaxQueryCount, tiles.QueryTileSize), denseDiagonalOffset);
        }

        var rowTiles = (int)CeilingDivide((long)geometry.MaxQueryCount * geometry.HeadsPerKvHead, tiles.QueryTileSize);
        long groups = (long)rowTiles * geometry.KvHeads * geometry.Sequences;
        long keyTiles = CeilingDivide(ReachableKeys(geometry, window), tiles.KeyTileSize);
        var splits = Math.Min(CeilingDivide(TargetGroups, groups), keyTiles / MinKeyTilesPerSplit);
        return new AttentionSchedule(geometry.HeadsPerKvHead, (int)Math.Max(1, splits), rowTiles, denseDiagonalOffset);
    }

    /// <summary>The tiled kernel's grid: x = row tile and split, y = head (or key/value head when decoding), z = sequence.</summary>
    public KernelConfig Grid(SequenceGeometry geometry, int threadsPerGroup) =>
        new(new Index3D(RowTiles * Splits, geometry.Heads / PackedHeads, geometry.Sequences), new Index3D(threadsPerGroup, 1, 1));

    /// <summary>Floats of partial results a split call needs: one per output element, plus the statistics, per split.</summary>
    public long PartialElements(SequenceGeometry geometry) => PartialRow(geometry, geometry.Sequences, 0, 0, 0);

    /// <summary>The layout of sequence <paramref name="index"/>: read from <paramref name="sequences"/>, or computed for a dense call (an empty view).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SequenceLayout Sequence(ArrayView<SequenceLayout> sequences, SequenceGeometry geometry, int index) =>
        sequences.Length == 0 ? geometry.DenseSequence(index, DenseDiagonalOffset) : sequences[index];

    /// <summary>The split that grid column <paramref name="groupX"/> computes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Split(int groupX) => groupX % Splits;

    /// <summary>The first row, counted in (query, head) pairs when decoding, of grid column <paramref name="groupX"/>'s tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int TileStart(int groupX, int queryTileSize) => groupX / Splits * queryTileSize;

    /// <summary>The first query head that grid row <paramref name="groupY"/> serves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int FirstHead(int groupY) => groupY * PackedHeads;

    /// <summary>The query of row <paramref name="row"/> of the tile that starts at <paramref name="tileStart"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int RowQuery(int tileStart, int row) => (tileStart + row) / PackedHeads;

    /// <summary>The head of row <paramref name="row"/> of the tile that starts at <paramref name="tileStart"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int RowHead(int firstHead, int tileStart, int row) => firstHead + ((tileStart + row) % PackedHeads);

    /// <summary>The first visit of <paramref name="split"/>: the tiles <paramref name="plan"/> visits, shared out as evenly as whole tiles allow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int SplitFirstVisit(KeyTilePlan plan, int split) => (int)((long)plan.VisitCount * split / Splits);

    /// <summary>
    /// Where the partial result of (sequence, query, head, split) starts: <c>HeadDim</c> unnormalised outputs, then the
    /// row's max and sum, laid out <c>[sequence, query, head, split]</c> over <see cref="SequenceGeometry.MaxQueryCount"/> queries.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long PartialRow(SequenceGeometry geometry, int sequence, long query, int head, int split) =>
        (((((long)sequence * geometry.MaxQueryCount) + query) * geometry.Heads + head) * Splits + split) * (geometry.HeadDim + PartialStatistics);

    /// <summary>
    /// Keys one row tile can reach: with both bounds, its queries' windows and sink keys (at most
    /// <c>Left + Right + MaxQueryCount + SinkTokens</c> keys for the at most <see cref="SequenceGeometry.MaxQueryCount"/>
    /// queries of a decode tile); chunked, at most two chunks' worth; otherwise every key.
    /// </summary>
    private static long ReachableKeys<TWindow>(SequenceGeometry geometry, TWindow window)
        where TWindow : struct, IWindowBounds
    {
        long reachable = window.HasLeftBound && window.HasRightBound
            ? window.Left + window.Right + geometry.MaxQueryCount + window.SinkTokens
            : geometry.MaxKeyCount;
        if (window.ChunkSize > 0)
        {
            reachable = Math.Min(reachable, window.ChunkSize + geometry.MaxQueryCount);
        }

        return Math.Clamp(reachable, 0, geometry.MaxKeyCount);
    }

    private static long CeilingDivide(long value, long divisor) => (value + divisor - 1) / divisor;
}
