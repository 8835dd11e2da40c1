using KernelGen;

namespace KernelGen.Bench;

/// <summary>A causal 64-key window (Left = 63, as Mistral's 4096 scaled down for the simulator).</summary>
[AttentionKernel(HeadDim = 64, QueryTileSize = 16, KeyTileSize = 32)]
[SlidingWindow(Left = 63, Right = 0, Inclusive = true)]
public static partial class Windowed;

/// <summary>The same kernel with no window at all: every key of every row.</summary>
[AttentionKernel(HeadDim = 64, QueryTileSize = 16, KeyTileSize = 32)]
public static partial class Dense;
