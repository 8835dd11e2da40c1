namespace KernelGen.Runtime.Tests.Caching;

[AttentionKernel(HeadDim = 64)]
[SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
[KvCache(MaxChunk = 512)]
public static partial class MistralCache;

[AttentionKernel(HeadDim = 32, Causal = true)]
[KvCache(MaxChunk = 8)]
public static partial class GrowingCache;

[AttentionKernel(HeadDim = 16, Sinks = true, LogitSoftCap = 4)]
[SlidingWindow(Left = 5, Right = 0, Inclusive = true)]
[KvCache(MaxChunk = 4, Capacity = 12)]
public static partial class PinnedLargerCache;

[AttentionKernel(HeadDim = 16)]
[SlidingWindow(Left = 7, Right = 0, Inclusive = true)]
[KvCache(MaxChunk = 3)]
public static partial class SmallRingCache;

// StreamingLLM: the first 2 keys stay visible beside a 7-key window; they keep slots of their own (2 + 6 + 3 = 11).
[AttentionKernel(HeadDim = 16)]
[SlidingWindow(Left = 6, Right = 0, Inclusive = true, SinkTokens = 2)]
[KvCache(MaxChunk = 3)]
public static partial class SinkTokenCache;

// 16-bit twins of the caches above, declared the same but for the element type.

[AttentionKernel(HeadDim = 16, Sinks = true, LogitSoftCap = 4, Element = AttentionElement.Float16)]
[SlidingWindow(Left = 5, Right = 0, Inclusive = true)]
[KvCache(MaxChunk = 4, Capacity = 12)]
public static partial class PinnedLargerCacheFloat16;

[AttentionKernel(HeadDim = 32, Causal = true, Element = AttentionElement.Float16)]
[KvCache(MaxChunk = 8)]
public static partial class GrowingCacheFloat16;

[AttentionKernel(HeadDim = 16, Element = AttentionElement.BFloat16)]
[SlidingWindow(Left = 7, Right = 0, Inclusive = true)]
[KvCache(MaxChunk = 3)]
public static partial class SmallRingCacheBFloat16;

[AttentionKernel(HeadDim = 16, Element = AttentionElement.BFloat16)]
[SlidingWindow(Left = 6, Right = 0, Inclusive = true, SinkTokens = 2)]
[KvCache(MaxChunk = 3)]
public static partial class SinkTokenCacheBFloat16;
