using KernelGen;

namespace Quickstart;

/// <summary>Mistral 7B's window: each query sees its own key and the 4095 before it.</summary>
[AttentionKernel(HeadDim = 64)]
[SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
public static partial class MistralAttention;

/// <summary>Longformer-style symmetric window: 2 keys on each side.</summary>
[AttentionKernel(HeadDim = 32)]
[SlidingWindow(Left = 2, Right = 2, Inclusive = true)]
public static partial class LongformerAttention;

/// <summary>The same window as Mistral's, written as cuDNN's parameters.</summary>
[AttentionKernel(HeadDim = 64)]
[SlidingWindow(Left = 4096, Right = 0, Convention = Backend.CuDnn, Alignment = WindowAlignment.BottomRight)]
public static partial class MistralFromCuDnn;
