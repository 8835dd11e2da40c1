using KernelGen;

namespace ModelShapes;

// The same models, derived from their published config.json files (configs/, given to the compiler as AdditionalFiles):
// one spec per layer type. Nothing is written but the layer; the generator reads window, head size, scale, soft cap
// and sinks by each model_type's rules. Llama 4's chunked layers (0, 1, 2, 4, ...) are read but not generated yet
// (KG0057), so only its full layers have a spec.

/// <summary>Mistral 7B v0.1: every layer slides over 4096 keys.</summary>
[AttentionKernel(QueryTileSize = 1, KeyTileSize = 32)]
[FromModelConfig("configs/mistral-7b-v0.1.json", Layer = 0)]
public static partial class MistralConfigLayer;

/// <summary>Gemma 2 9B, layer 0: sliding, 4096 keys, soft cap 50.</summary>
[AttentionKernel(QueryTileSize = 1, KeyTileSize = 16)]
[FromModelConfig("configs/gemma-2-9b.json", Layer = 0)]
public static partial class Gemma2ConfigSlidingLayer;

/// <summary>Gemma 2 9B, layer 1: full.</summary>
[AttentionKernel(QueryTileSize = 1, KeyTileSize = 16)]
[FromModelConfig("configs/gemma-2-9b.json", Layer = 1)]
public static partial class Gemma2ConfigFullLayer;

/// <summary>Gemma 3 4B, layer 0: sliding, 1024 keys.</summary>
[AttentionKernel(QueryTileSize = 1, KeyTileSize = 16)]
[FromModelConfig("configs/gemma-3-4b.json", Layer = 0)]
public static partial class Gemma3ConfigSlidingLayer;

/// <summary>Gemma 3 4B, layer 5: full (every sixth layer).</summary>
[AttentionKernel(QueryTileSize = 1, KeyTileSize = 16)]
[FromModelConfig("configs/gemma-3-4b.json", Layer = 5)]
public static partial class Gemma3ConfigFullLayer;

/// <summary>gpt-oss 20B, layer 0: sliding, 128 keys, learned sinks.</summary>
[AttentionKernel(QueryTileSize = 1, KeyTileSize = 64)]
[FromModelConfig("configs/gpt-oss-20b.json", Layer = 0)]
public static partial class GptOssConfigSlidingLayer;

/// <summary>gpt-oss 20B, layer 1: full, learned sinks.</summary>
[AttentionKernel(QueryTileSize = 1, KeyTileSize = 64)]
[FromModelConfig("configs/gpt-oss-20b.json", Layer = 1)]
public static partial class GptOssConfigFullLayer;

/// <summary>Llama 4 Scout, layer 3: a NoPE layer, full causal attention.</summary>
[AttentionKernel(QueryTileSize = 1, KeyTileSize = 32)]
[FromModelConfig("configs/llama-4-scout-17b-16e.json", Layer = 3)]
public static partial class Llama4ConfigFullLayer;

/// <summary>Llama 4 Scout, layer 0: a RoPE layer, causal attention within chunks of 8192 positions.</summary>
[AttentionKernel(QueryTileSize = 1, KeyTileSize = 32)]
[FromModelConfig("configs/llama-4-scout-17b-16e.json", Layer = 0)]
public static partial class Llama4ConfigChunkedLayer;
