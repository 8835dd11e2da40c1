using KernelGen;

namespace KernelGen.Bench;

// Causal windows of 256 and 4096 keys (Left = W - 1, as ONNX Runtime's local_window_size = W), head 64 and 128.

[AttentionKernel(HeadDim = 64)]
[SlidingWindow(Left = 255, Right = 0, Inclusive = true)]
public static partial class Window256Head64;

[AttentionKernel(HeadDim = 128)]
[SlidingWindow(Left = 255, Right = 0, Inclusive = true)]
public static partial class Window256Head128;

[AttentionKernel(HeadDim = 64)]
[SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
public static partial class Window4096Head64;

[AttentionKernel(HeadDim = 128)]
[SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
public static partial class Window4096Head128;
