using KernelGen;

namespace ModelShapes;

// Real windows, head sizes and head counts. The runs stay cheap through their shapes (one decoding step, or a
// short prefill chunk far past the window) so that the window really cuts keys and the CPU simulator copes.

/// <summary>Mistral 7B, one decoding step: window 4096 (HF sliding_window), GQA 32/8, head 128. One query per tile.</summary>
[AttentionKernel(HeadDim = 128, QueryTileSize = 1, KeyTileSize = 32, Targets = new[] { Backend.FlashAttention2, Backend.CuDnn, Backend.OnnxRuntime })]
[SlidingWindow(Left = 4096, Right = 0, Convention = Backend.HuggingFace)]
public static partial class MistralDecode;

/// <summary>Mistral 7B, a prefill chunk of 16 queries at position 5000.</summary>
[AttentionKernel(HeadDim = 128, QueryTileSize = 16, KeyTileSize = 32)]
[SlidingWindow(Left = 4096, Right = 0, Convention = Backend.HuggingFace)]
public static partial class MistralPrefillChunk;

/// <summary>gpt-oss sliding layers: window 128 with a learned sink per head; head 64, GQA 64/8.</summary>
[AttentionKernel(HeadDim = 64, QueryTileSize = 1, KeyTileSize = 64, Causal = true, Sinks = true)]
[SlidingWindow(Left = 128, Convention = Backend.HuggingFace)]
[FlashAttentionWindow(WindowSizeLeft = 127, WindowSizeRight = 0)]
public static partial class GptOssSlidingLayer;

/// <summary>gpt-oss full layers: causal, same sinks.</summary>
[AttentionKernel(HeadDim = 64, QueryTileSize = 1, KeyTileSize = 64, Causal = true, Sinks = true)]
public static partial class GptOssFullLayer;

/// <summary>Gemma 2 local layers: window 4096, logit soft cap 50, head 256, GQA 16/8.</summary>
[AttentionKernel(HeadDim = 256, QueryTileSize = 1, KeyTileSize = 16, Causal = true, LogitSoftCap = 50)]
[SlidingWindow(Left = 4096, Convention = Backend.HuggingFace)]
public static partial class Gemma2LocalLayer;

/// <summary>Gemma 2 global layers: causal, same soft cap.</summary>
[AttentionKernel(HeadDim = 256, QueryTileSize = 1, KeyTileSize = 16, Causal = true, LogitSoftCap = 50)]
public static partial class Gemma2GlobalLayer;
