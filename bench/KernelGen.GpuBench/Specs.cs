using KernelGen;

namespace KernelGen.GpuBench;

// The benchmarked specs: causal sliding windows of 1024 and 4096 keys (Left = W - 1, Right = 0, bottom-right),
// and dense causal attention, each for head sizes 64 and 128 and for fp32, fp16 and bf16 inputs, with the
// generator's default tile sizes.

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

/// <summary>A causal window of 1024 keys, head size 64, fp16 inputs.</summary>
[AttentionKernel(HeadDim = 64, Element = AttentionElement.Float16)]
[SlidingWindow(Left = 1023, Right = 0, Inclusive = true)]
public static partial class Window1024Head64Float16;

/// <summary>A causal window of 4096 keys (Mistral 7B's), head size 64, fp16 inputs.</summary>
[AttentionKernel(HeadDim = 64, Element = AttentionElement.Float16)]
[SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
public static partial class Window4096Head64Float16;

/// <summary>A causal window of 1024 keys, head size 128, fp16 inputs.</summary>
[AttentionKernel(HeadDim = 128, Element = AttentionElement.Float16)]
[SlidingWindow(Left = 1023, Right = 0, Inclusive = true)]
public static partial class Window1024Head128Float16;

/// <summary>A causal window of 4096 keys (Mistral 7B's), head size 128, fp16 inputs.</summary>
[AttentionKernel(HeadDim = 128, Element = AttentionElement.Float16)]
[SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
public static partial class Window4096Head128Float16;

/// <summary>Dense causal attention (no window), head size 64, fp16 inputs.</summary>
[AttentionKernel(HeadDim = 64, Causal = true, Element = AttentionElement.Float16)]
public static partial class CausalHead64Float16;

/// <summary>Dense causal attention (no window), head size 128, fp16 inputs.</summary>
[AttentionKernel(HeadDim = 128, Causal = true, Element = AttentionElement.Float16)]
public static partial class CausalHead128Float16;

/// <summary>A causal window of 1024 keys, head size 64, bf16 inputs.</summary>
[AttentionKernel(HeadDim = 64, Element = AttentionElement.BFloat16)]
[SlidingWindow(Left = 1023, Right = 0, Inclusive = true)]
public static partial class Window1024Head64BFloat16;

/// <summary>A causal window of 4096 keys (Mistral 7B's), head size 64, bf16 inputs.</summary>
[AttentionKernel(HeadDim = 64, Element = AttentionElement.BFloat16)]
[SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
public static partial class Window4096Head64BFloat16;

/// <summary>A causal window of 1024 keys, head size 128, bf16 inputs.</summary>
[AttentionKernel(HeadDim = 128, Element = AttentionElement.BFloat16)]
[SlidingWindow(Left = 1023, Right = 0, Inclusive = true)]
public static partial class Window1024Head128BFloat16;

/// <summary>A causal window of 4096 keys (Mistral 7B's), head size 128, bf16 inputs.</summary>
[AttentionKernel(HeadDim = 128, Element = AttentionElement.BFloat16)]
[SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
public static partial class Window4096Head128BFloat16;

/// <summary>Dense causal attention (no window), head size 64, bf16 inputs.</summary>
[AttentionKernel(HeadDim = 64, Causal = true, Element = AttentionElement.BFloat16)]
public static partial class CausalHead64BFloat16;

/// <summary>Dense causal attention (no window), head size 128, bf16 inputs.</summary>
[AttentionKernel(HeadDim = 128, Causal = true, Element = AttentionElement.BFloat16)]
public static partial class CausalHead128BFloat16;
