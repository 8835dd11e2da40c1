namespace KernelGen.Generator.Model;

/// <summary>
/// The tile sizes of a kernel and what follows from them. Each query row is served by
/// <see cref="ThreadsPerRow"/> threads, each holding <see cref="HeadDimPerThread"/> output accumulators in
/// registers; the Q, K and V tiles and the score tile live in shared memory.
/// </summary>
internal sealed record TileLayout(int HeadDim, int QueryTileSize, int KeyTileSize)
{
    /// <summary>Output accumulators per thread: a constant, so that they stay scalar registers.</summary>
    public const int HeadDimPerThread = 16;

    /// <summary>CUDA's limit on static shared memory per group that ILGPU 1.5.3 can use.</summary>
    public const int MaxSharedMemoryBytes = 48 * 1024;

    /// <summary>CUDA's limit on threads per group.</summary>
    public const int MaxThreadsPerGroup = 1024;

    public int ThreadsPerRow => HeadDim / HeadDimPerThread;

    public int ThreadsPerGroup => QueryTileSize * ThreadsPerRow;

    /// <summary>Q tile, K and V tiles, and the score tile, in fp32.</summary>
    public int SharedMemoryBytes =>
        sizeof(float) * ((QueryTileSize * HeadDim) + (2 * KeyTileSize * HeadDim) + (QueryTileSize * KeyTileSize));

    public bool FitsCuda => SharedMemoryBytes <= MaxSharedMemoryBytes && ThreadsPerGroup <= MaxThreadsPerGroup;

    /// <summary>Whether <paramref name="headDim"/> is one the kernels support.</summary>
    public static bool IsSupportedHeadDim(int headDim) =>
        headDim >= HeadDimPerThread && headDim <= 256 && headDim % HeadDimPerThread == 0;

    /// <summary>
    /// Sound defaults: about 256 threads per group (at most 64 query rows), then the largest power-of-two key
    /// tile, at most 64, that keeps shared memory within 48 KB.
    /// </summary>
    public static TileLayout Default(int headDim, int? queryTileSize = null, int? keyTileSize = null)
    {
        var threadsPerRow = headDim / HeadDimPerThread;
        var queryTile = queryTileSize ?? LargestPowerOfTwoAtMost(System.Math.Min(64, 256 / threadsPerRow));
        if (keyTileSize is int keyTile)
        {
            return new TileLayout(headDim, queryTile, keyTile);
        }

        for (var candidate = 64; candidate > 1; candidate /= 2)
        {
            var layout = new TileLayout(headDim, queryTile, candidate);
            if (layout.SharedMemoryBytes <= MaxSharedMemoryBytes)
            {
                return layout;
            }
        }

        return new TileLayout(headDim, queryTile, 1);
    }

    private static int LargestPowerOfTwoAtMost(int value)
    {
        var power = 1;
        while (power * 2 <= value)
        {
            power *= 2;
        }

        return power;
    }
}
