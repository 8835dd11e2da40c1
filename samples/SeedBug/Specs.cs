using KernelGen;

namespace SeedBug;

/// <summary>
/// TransformerEngine's window_size = (16, 0), read as FlashAttention reads it: each query sees its own key and the
/// 16 before it. TransformerEngine's unfused path and FlashAttention agree on this.
/// </summary>
[AttentionKernel(HeadDim = 64, QueryTileSize = 16, KeyTileSize = 32)]
[SlidingWindow(Left = 16, Right = 0, Convention = Backend.FlashAttention2)]
public static partial class FlashAttentionReading;
