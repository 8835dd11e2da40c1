using KernelGen;

namespace Quickstart;

/// <summary>Mistral-style causal sliding window, written as HF transformers' sliding_window = 32 (32 keys).</summary>
[AttentionKernel(HeadDim = 64)]
[SlidingWindow(Left = 32, Right = 0, Convention = Backend.HuggingFace)]
public static partial class MistralStyleAttention;

/// <summary>Longformer-style symmetric window: 8 keys on each side of the query.</summary>
[AttentionKernel(HeadDim = 64)]
[SlidingWindow(Left = 8, Right = 8, Inclusive = true)]
public static partial class LongformerStyleAttention;

/// <summary>Mistral 7B's real window (4096 keys) for one decoding step, pinned to the cuDNN numbers it must use.</summary>
[AttentionKernel(HeadDim = 128)]
[SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
[CuDnnWindow(DiagonalBandLeftBound = 4096, DiagonalBandRightBound = 0, DiagonalAlignment = WindowAlignment.BottomRight)]
public static partial class MistralDecodeAttention;
