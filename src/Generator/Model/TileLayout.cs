namespace KernelGen.Generator.Model;

/// <summary>
/// The tile sizes of a kernel and the register blocking that follows from them.
/// <para>
/// Each thread owns a <see cref="RowsPerThread"/> x <see cref="DimsPerThread"/> block of the output tile in registers, so a
/// group has <see cref="RowGroups"/> x <see cref="DimGroups"/> threads. The score tile is cut into
/// <see cref="RowsPerThread"/> x <see cref="KeysPerThread"/> blocks; when there are fewer blocks than threads, each block is
/// split along the head dimension into <see cref="DimSplits"/> partial dot products, so that the score phase keeps about as
/// many threads busy as the output phase. With 8 x 8 blocks every value loaded from shared memory feeds 8 multiply-adds:
/// 4 per element loaded, in both the Q·Kᵀ and the P·V loops.
/// </para>
/// <para>
/// Block sides are the largest of 8, 4, 2 and 1 that divide the tile side, so every tile size works; sides that are not
/// multiples of 8 block less (a decoding tile of one query row computes 1 x 8 score blocks).
/// </para>
/// </summary>
internal sealed record TileLayout(int HeadDim, int QueryTileSize, int KeyTileSize)
{
    /// <summary>Output dimensions per thread: a constant, so that the accumulators stay scalar registers.</summary>
    public const int DimsPerThread = 8;

    /// <summary>The largest block side: 8 x 8 blocks are the smallest that reach 4 multiply-adds per shared element.</summary>
    public const int MaxBlockSide = 8;

    /// <summary>Fewest head dimensions one partial dot product sums, so that storing partials stays a small part of the work.</summary>
    public const int MinDimsPerSplit = 16;

    /// <summary>CUDA's limit on static shared memory per group that ILGPU 1.5.3 can use.</summary>
    public const int MaxSharedMemoryBytes = 48 * 1024;

    /// <summary>CUDA's limit on threads per group.</summary>
    public const int MaxThreadsPerGroup = 1024;

    /// <summary>Threads per warp on CUDA: groups of whole warps waste no lanes.</summary>
    public const int WarpSize = 32;

    /// <summary>Query rows of a thread's score and output blocks.</summary>
    public int RowsPerThread => BlockSide(QueryTileSize);

    /// <summary>Keys of a thread's score blocks.</summary>
    public int KeysPerThread => BlockSide(KeyTileSize);

    public int RowGroups => QueryTileSize / RowsPerThread;

    public int KeyGroups => KeyTileSize / KeysPerThread;

    public int DimGroups => HeadDim / DimsPerThread;

    /// <summary>One thread per output block.</summary>
    public int ThreadsPerGroup => RowGroups * DimGroups;

    /// <summary>
    /// How many partial dot products each score block is split into along the head dimension: the largest divisor of
    /// <see cref="DimGroups"/> that keeps the score items within the threads, each partial at least
    /// <see cref="MinDimsPerSplit"/> dimensions long, and the partial score tiles within 48 KB of shared memory.
    /// </summary>
    public int DimSplits
    {
        get
        {
            var most = System.Math.Min(ThreadsPerGroup / (RowGroups * KeyGroups), HeadDim / MinDimsPerSplit);
            for (var splits = System.Math.Max(most, 1); splits > 1; splits--)
            {
                if (DimGroups % splits == 0 && SharedMemoryBytesWith(splits) <= MaxSharedMemoryBytes)
                {
                    return splits;
                }
            }

            return 1;
        }
    }

    public int DimsPerSplit => HeadDim / DimSplits;

    /// <summary>Work items of the score phase: one block of scores over one slice of the head dimension each.</summary>
    public int ScoreItems => RowGroups * KeyGroups * DimSplits;

    /// <summary>The share of threads with work in the score phase, over the rounds it takes.</summary>
    public double ScorePhaseUse
    {
        get
        {
            var rounds = (ScoreItems + ThreadsPerGroup - 1) / ThreadsPerGroup;
            return (double)ScoreItems / (rounds * ThreadsPerGroup);
        }
    }

    /// <summary>Floats per row of the Q and K tiles: padded by one, so that threads reading different rows at one dimension hit different banks.</summary>
    public int PaddedRow => HeadDim + 1;

    /// <summary>
    /// Q tile and K tile (padded rows), V tile, the partial score tiles (the first later holds the probabilities),
    /// and three floats of row statistics per query row, in fp32.
    /// </summary>
    public int SharedMemoryBytes => SharedMemoryBytesWith(DimSplits);

    public bool FitsCuda => SharedMemoryBytes <= MaxSharedMemoryBytes && ThreadsPerGroup <= MaxThreadsPerGroup;

    /// <summary>Whether <paramref name="headDim"/> is one the kernels support: a multiple of 16 from 16 to 256.</summary>
    public static bool IsSupportedHeadDim(int headDim) =>
        headDim >= 16 && headDim <= 256 && headDim % 16 == 0;

    /// <summary>
    /// The tiles for a head size, the given sizes kept. The rule: among query tiles of 8 to 256 rows and key tiles of 8 to
    /// 64 keys (powers of two) that fit 48 KB of shared memory, take the one that (1) has at least a warp of threads,
    /// (2) keeps the most threads busy in the score phase, (3) has whole warps, (4) has the larger key tile (fewer
    /// barriers per key), (5) has the larger query tile (fewer K/V loads per query). For head sizes 64 and 128 this
    /// gives 32 x 32 and 16 x 16: one warp per group, every thread busy in both phases.
    /// </summary>
    public static TileLayout Default(int headDim, int? queryTileSize = null, int? keyTileSize = null)
    {
        TileLayout? best = null;
        foreach (var queryTile in queryTileSize is int q ? new[] { q } : new[] { 8, 16, 32, 64, 128, 256 })
        {
            foreach (var keyTile in keyTileSize is int k ? new[] { k } : new[] { 8, 16, 32, 64 })
            {
                var layout = new TileLayout(headDim, queryTile, keyTile);
                if ((layout.FitsCuda || (queryTileSize.HasValue && keyTileSize.HasValue)) && (best is null || layout.IsBetterThan(best)))
                {
                    best = layout;
                }
            }
        }

        // Nothing fits only when the given sizes cannot: return the smallest candidate, which the caller reports.
        return best ?? new TileLayout(headDim, queryTileSize ?? 8, keyTileSize ?? 8);
    }

    private bool IsBetterThan(TileLayout other)
    {
        int Compare<T>(T mine, T theirs)
            where T : System.IComparable<T> => mine.CompareTo(theirs);

        var order = new[]
        {
            Compare(ThreadsPerGroup >= WarpSize, other.ThreadsPerGroup >= WarpSize),
            Compare(ScorePhaseUse, other.ScorePhaseUse),
            Compare(ThreadsPerGroup % WarpSize == 0, other.ThreadsPerGroup % WarpSize == 0),
            Compare(KeyTileSize, other.KeyTileSize),
            Compare(QueryTileSize, other.QueryTileSize),
        };
        foreach (var comparison in order)
        {
            if (comparison != 0)
            {
                return comparison > 0;
            }
        }

        return false;
    }

    private int SharedMemoryBytesWith(int dimSplits) =>
        sizeof(float) * ((QueryTileSize * PaddedRow) + (KeyTileSize * PaddedRow) + (KeyTileSize * HeadDim)
            + (dimSplits * KeyTileSize * QueryTileSize) + (3 * QueryTileSize));

    private static int BlockSide(int tileSide)
    {
        for (var side = MaxBlockSide; side > 1; side /= 2)
        {
            if (tileSide % side == 0)
            {
                return side;
            }
        }

        return 1;
    }
}
