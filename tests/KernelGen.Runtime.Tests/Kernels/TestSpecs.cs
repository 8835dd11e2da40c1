using KernelGen;

namespace KernelGen.Runtime.Tests.Kernels;

// Small tiles keep the CPU simulator fast (it runs one OS thread per GPU thread and ~1 ms per barrier).

[AttentionKernel(HeadDim = 32, QueryTileSize = 8, KeyTileSize = 8)]
[SlidingWindow(Left = 5, Right = 0, Inclusive = true)]
public static partial class CausalWindow5;

[AttentionKernel(HeadDim = 32, QueryTileSize = 8, KeyTileSize = 8)]
public static partial class Unmasked;

[AttentionKernel(HeadDim = 16, QueryTileSize = 4, KeyTileSize = 8)]
[SlidingWindow(Left = 3, Right = 2, Inclusive = true, Alignment = WindowAlignment.TopLeft)]
public static partial class SymmetricTopLeft;

[AttentionKernel(HeadDim = 16, QueryTileSize = 8, KeyTileSize = 4)]
[SlidingWindow(Left = 0, Right = 0, Inclusive = true)]
internal static partial class DiagonalOnly; // internal on purpose: ILGPU must still reach its kernel

[AttentionKernel(HeadDim = 32, QueryTileSize = 8, KeyTileSize = 8, Causal = true)]
public static partial class CausalUnbounded;

[AttentionKernel(HeadDim = 48, QueryTileSize = 8, KeyTileSize = 8, Causal = true, LogitSoftCap = 5, Sinks = true, SoftmaxScale = 0.3)]
[SlidingWindow(Left = 7, Inclusive = true)]
public static partial class SoftCapWithSinks;

[AttentionKernel(HeadDim = 16, QueryTileSize = 8, KeyTileSize = 8)]
[SlidingWindow(Left = 4, Right = 3, Convention = Backend.CuDnn, Alignment = WindowAlignment.BottomRight)]
public static partial class LookAhead;

// Chunks of 6 keys, tiles of 4: chunk edges fall inside tiles and on them.
[AttentionKernel(HeadDim = 16, QueryTileSize = 4, KeyTileSize = 4, Causal = true)]
[ChunkedAttention(Size = 6)]
public static partial class ChunkedCausal;

// A window inside chunks of 5, top-left and looking ahead: the visible keys are the intersection.
[AttentionKernel(HeadDim = 16, QueryTileSize = 4, KeyTileSize = 4)]
[SlidingWindow(Left = 3, Right = 1, Inclusive = true, Alignment = WindowAlignment.TopLeft)]
[ChunkedAttention(Size = 5)]
public static partial class ChunkedWindow;

// StreamingLLM in small: 2 sink keys beside a 4-key causal window, tiles of 4.
[AttentionKernel(HeadDim = 16, QueryTileSize = 4, KeyTileSize = 4)]
[SlidingWindow(Left = 3, Right = 0, Inclusive = true, SinkTokens = 2)]
public static partial class StreamingSinks;

[AttentionKernel(HeadDim = 64)]
[SlidingWindow(Left = 40, Right = 0, Inclusive = true)]
public static partial class DefaultTiles64;

[AttentionKernel(HeadDim = 128)]
[SlidingWindow(Left = 1234, Right = 57, Inclusive = true)]
public static partial class DefaultTiles128;

[AttentionKernel(HeadDim = 256, Causal = true, Sinks = true, LogitSoftCap = 50)]
[SlidingWindow(Left = 4095, Inclusive = true)]
public static partial class DefaultTiles256;

[AttentionKernel(HeadDim = 96, Causal = true)]
public static partial class DefaultTiles96;

// The CPU kernel's property test draws its window at run time and its constants from these specs.

[AttentionKernel(HeadDim = 16)]
public static partial class PropertyHead16;

[AttentionKernel(HeadDim = 48)]
public static partial class PropertyHead48;

[AttentionKernel(HeadDim = 64)]
public static partial class PropertyHead64;

[AttentionKernel(HeadDim = 80)]
public static partial class PropertyHead80;

[AttentionKernel(HeadDim = 128)]
public static partial class PropertyHead128;

[AttentionKernel(HeadDim = 176)]
public static partial class PropertyHead176;

[AttentionKernel(HeadDim = 256)]
public static partial class PropertyHead256;

[AttentionKernel(HeadDim = 32, LogitSoftCap = 3, Sinks = true)]
public static partial class PropertySoftCapSinks32;

[AttentionKernel(HeadDim = 96, LogitSoftCap = 30, Sinks = true, SoftmaxScale = 0.2)]
public static partial class PropertySoftCapSinks96;
