using System.Collections.Generic;
using System.Linq;

namespace KernelGen.Generator.Model;

/// <summary>
/// The member names the emitters add to a kernel class. A class with one of these names cannot hold them
/// (CS0542), so the parser reports KG0010 instead of emitting code that does not compile.
/// </summary>
internal static class GeneratedMemberNames
{
    public static readonly HashSet<string> All = new(
        new[]
        {
            "HeadDim", "HasLeftBound", "WindowLeft", "HasRightBound", "WindowRight", "Alignment", "Window",
            "QueryTileSize", "KeyTileSize", "SoftmaxScale", "LogitSoftCap", "SharedMemoryBytes",
            "RowsPerThread", "KeysPerThread", "DimsPerThread", "RowGroups", "KeyGroups", "DimGroups", "ThreadsPerGroup",
            "DimSplits", "DimsPerSplit", "ScoreItems", "PaddedRow", "StagingUnroll",
            "CompiledKernels", "Forward", "LaunchForward", "IsVisible", "QueryTileElement", "KeyTileElement", "PaddedIndex", "TiledForwardKernel", "BakedWindow", "CompiledRuntimeWindowKernels", "ForwardWithRuntimeWindow",
            "CacheMaxChunk", "CacheCapacity", "CacheCapacityRule", "CreateCache", "ForwardCpuVarlen",
            "Tiles", "ForwardSequences", "ForwardVarlen",
        }.Concat(System.Enum.GetNames(typeof(Backend))));
}
