using KernelGen;

namespace KernelGen.Bench;

// The windows of Specs.cs at head 128 with a KV cache: a ring sized for decode (MaxChunk = 1: Left + 1 = W keys) or for
// prefill chunks of 512 tokens (Left + 512 keys).

[AttentionKernel(HeadDim = 128)]
[SlidingWindow(Left = 255, Right = 0, Inclusive = true)]
[KvCache(MaxChunk = 1)]
public static partial class Window256Head128DecodeCache;

[AttentionKernel(HeadDim = 128)]
[SlidingWindow(Left = 255, Right = 0, Inclusive = true)]
[KvCache(MaxChunk = 512)]
public static partial class Window256Head128PrefillCache;

[AttentionKernel(HeadDim = 128)]
[SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
[KvCache(MaxChunk = 1)]
public static partial class Window4096Head128DecodeCache;

[AttentionKernel(HeadDim = 128)]
[SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
[KvCache(MaxChunk = 512)]
public static partial class Window4096Head128PrefillCache;
