using KernelGen;

namespace Decode;

// Gemma 2 interleaves a local layer (a 4096-key window) with a global one; this tiny model does the same at toy size:
// a 32-key window (Left = 31, the query's own key included) and a causal global layer, each with its KV cache.

[AttentionKernel(HeadDim = 64, LogitSoftCap = 50)]
[SlidingWindow(Left = 31, Right = 0, Inclusive = true)]
[KvCache(MaxChunk = 16)]
public static partial class LocalLayer;

[AttentionKernel(HeadDim = 64, Causal = true, LogitSoftCap = 50)]
[KvCache(MaxChunk = 16)]
public static partial class GlobalLayer;
