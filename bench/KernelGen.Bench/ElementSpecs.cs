using KernelGen;

namespace KernelGen.Bench;

// Specs.cs's Window256Head64 (prefill) and Window4096Head128 (decode) with fp16 and bf16 inputs, for ElementBenchmark.

[AttentionKernel(HeadDim = 64, Element = AttentionElement.Float16)]
[SlidingWindow(Left = 255, Right = 0, Inclusive = true)]
public static partial class Window256Head64Float16;

[AttentionKernel(HeadDim = 64, Element = AttentionElement.BFloat16)]
[SlidingWindow(Left = 255, Right = 0, Inclusive = true)]
public static partial class Window256Head64BFloat16;

[AttentionKernel(HeadDim = 128, Element = AttentionElement.Float16)]
[SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
public static partial class Window4096Head128Float16;

[AttentionKernel(HeadDim = 128, Element = AttentionElement.BFloat16)]
[SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
public static partial class Window4096Head128BFloat16;
