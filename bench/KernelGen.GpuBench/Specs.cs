using KernelGen;

namespace KernelGen.GpuBench;

// The benchmarked specs: causal sliding windows of 1024 and 4096 keys (Left = W - 1, Right = 0, bottom-right),
// and dense causal attention, each for head sizes 64 and 128, with the generator's default tile sizes.

/// <summary>A causal window of 1024 keys, head size 64.</summary>
[AttentionKernel(HeadDim = 64)]
[SlidingWindow(Left = 1023, Right = 0, Inclusive = true)]
public static partial class Window1024Head64;

/// <summary>A causal window of 4096 keys (Mistral 7B's), head size 64.</summary>
[AttentionKernel(HeadDim = 64)]
[SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
public static partial class Window4096Head64;

/// <summary>A causal window of 1024 keys, head size 128.</summary>
[AttentionKernel(HeadDim = 128)]
[SlidingWindow(Left = 1023, Right = 0, Inclusive = true)]
public static partial class Window1024Head128;

/// <summary>A causal window of 4096 keys (Mistral 7B's), head size 128.</summary>
[AttentionKernel(HeadDim = 128)]
[SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
public static partial class Window4096Head128;

/// <summary>Dense causal attention (no window), head size 64.</summary>
[AttentionKernel(HeadDim = 64, Causal = true)]
public static partial class CausalHead64;

/// <summary>Dense causal attention (no window), head size 128.</summary>
[AttentionKernel(HeadDim = 128, Causal = true)]
public static partial class CausalHead128;
