using KernelGen;

namespace KernelGen.Runtime.Tests.Kernels;

// More half-precision twins (see DeviceElementSpecs.cs): the score steps, chunks and sink tokens, each declared as its fp32
// spec in TestSpecs.cs but for the element type.

[AttentionKernel(HeadDim = 48, QueryTileSize = 8, KeyTileSize = 8, Causal = true, LogitSoftCap = 5, Sinks = true, SoftmaxScale = 0.3, Element = AttentionElement.Float16)]
[SlidingWindow(Left = 7, Inclusive = true)]
public static partial class SoftCapWithSinksFloat16;

[AttentionKernel(HeadDim = 48, QueryTileSize = 8, KeyTileSize = 8, Causal = true, LogitSoftCap = 5, Sinks = true, SoftmaxScale = 0.3, Element = AttentionElement.BFloat16)]
[SlidingWindow(Left = 7, Inclusive = true)]
public static partial class SoftCapWithSinksBFloat16;

[AttentionKernel(HeadDim = 16, QueryTileSize = 4, KeyTileSize = 4, Element = AttentionElement.Float16)]
[SlidingWindow(Left = 3, Right = 1, Inclusive = true, Alignment = WindowAlignment.TopLeft)]
[ChunkedAttention(Size = 5)]
public static partial class ChunkedWindowFloat16;

[AttentionKernel(HeadDim = 16, QueryTileSize = 4, KeyTileSize = 4, Element = AttentionElement.BFloat16)]
[SlidingWindow(Left = 3, Right = 1, Inclusive = true, Alignment = WindowAlignment.TopLeft)]
[ChunkedAttention(Size = 5)]
public static partial class ChunkedWindowBFloat16;

[AttentionKernel(HeadDim = 16, QueryTileSize = 4, KeyTileSize = 4, Element = AttentionElement.Float16)]
[SlidingWindow(Left = 3, Right = 0, Inclusive = true, SinkTokens = 2)]
public static partial class StreamingSinksFloat16;

[AttentionKernel(HeadDim = 16, QueryTileSize = 4, KeyTileSize = 4, Element = AttentionElement.BFloat16)]
[SlidingWindow(Left = 3, Right = 0, Inclusive = true, SinkTokens = 2)]
public static partial class StreamingSinksBFloat16;
