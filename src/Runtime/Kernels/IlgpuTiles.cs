namespace KernelGen;

/// <summary>A spec's ILGPU tile sizes, as its launcher needs them to choose the grid and the schedule.</summary>
/// <param name="QueryTileSize">(Query, head) rows per group.</param>
/// <param name="KeyTileSize">Keys staged per step.</param>
/// <param name="ThreadsPerGroup">Threads per group.</param>
public readonly record struct IlgpuTiles(int QueryTileSize, int KeyTileSize, int ThreadsPerGroup);
