using KernelGen;

namespace KernelGen.Runtime.Tests.Kernels;

// Half-precision twins of fp32 specs (same window, head size and tiles): on the same widened inputs, a twin's output must
// be exactly its fp32 spec's output rounded to the element type, since loads widen exactly and the arithmetic is fp32.

[AttentionKernel(HeadDim = 32, QueryTileSize = 8, KeyTileSize = 8, Element = AttentionElement.Float16)]
[SlidingWindow(Left = 5, Right = 0, Inclusive = true)]
public static partial class CausalWindow5Float16;

[AttentionKernel(HeadDim = 32, QueryTileSize = 8, KeyTileSize = 8, Element = AttentionElement.BFloat16)]
[SlidingWindow(Left = 5, Right = 0, Inclusive = true)]
public static partial class CausalWindow5BFloat16;

/// <summary><see cref="SplitDecodeWindow"/> in fp16: a decode call splits its keys, and the combine kernel rounds the output.</summary>
[AttentionKernel(HeadDim = 16, QueryTileSize = 8, KeyTileSize = 4, Causal = true, Element = AttentionElement.Float16)]
[SlidingWindow(Left = 30, Inclusive = true)]
public static partial class SplitDecodeWindowFloat16;

/// <summary><see cref="SplitDecodeWindow"/> in bf16.</summary>
[AttentionKernel(HeadDim = 16, QueryTileSize = 8, KeyTileSize = 4, Causal = true, Element = AttentionElement.BFloat16)]
[SlidingWindow(Left = 30, Inclusive = true)]
public static partial class SplitDecodeWindowBFloat16;

// The PTX measure's shapes (DefaultTiles64, DefaultTiles128) with 16-bit inputs: same tiles, same loops.

[AttentionKernel(HeadDim = 64, Element = AttentionElement.Float16)]
[SlidingWindow(Left = 40, Right = 0, Inclusive = true)]
public static partial class DefaultTiles64Float16;

[AttentionKernel(HeadDim = 128, Element = AttentionElement.BFloat16)]
[SlidingWindow(Left = 1234, Right = 57, Inclusive = true)]
public static partial class DefaultTiles128BFloat16;

[AttentionKernel(HeadDim = 128, Element = AttentionElement.Float16)]
[SlidingWindow(Left = 1234, Right = 57, Inclusive = true)]
public static partial class DefaultTiles128Float16;

/// <summary><see cref="LookAhead"/> in fp16: with more queries than keys, the first rows see no key.</summary>
[AttentionKernel(HeadDim = 16, QueryTileSize = 8, KeyTileSize = 8, Element = AttentionElement.Float16)]
[SlidingWindow(Left = 4, Right = 3, Convention = Backend.CuDnn, Alignment = WindowAlignment.BottomRight)]
public static partial class LookAheadFloat16;
