using System;

namespace KernelGen.Bench;

/// <summary>A benchmarked spec with a KV cache: its window, head size and cache sizes, and how to create its cache.</summary>
internal sealed record CachedBenchSpec(
    string Name, int WindowKeys, int HeadDim, AttentionWindow Window, int MaxChunk, int Capacity, CachedBenchSpec.CacheFactory CreateCache)
{
    public delegate KeyValueCache<float> CacheFactory(int batch, int heads, int kvHeads, CpuAttentionOptions options);

    public static CachedBenchSpec[] All { get; } =
    {
        new(nameof(Window256Head128DecodeCache), 256, Window256Head128DecodeCache.HeadDim, Window256Head128DecodeCache.Window,
            Window256Head128DecodeCache.CacheMaxChunk, Window256Head128DecodeCache.CacheCapacity,
            (batch, heads, kvHeads, options) => Window256Head128DecodeCache.CreateCache(batch, heads, kvHeads, options)),
        new(nameof(Window256Head128PrefillCache), 256, Window256Head128PrefillCache.HeadDim, Window256Head128PrefillCache.Window,
            Window256Head128PrefillCache.CacheMaxChunk, Window256Head128PrefillCache.CacheCapacity,
            (batch, heads, kvHeads, options) => Window256Head128PrefillCache.CreateCache(batch, heads, kvHeads, options)),
        new(nameof(Window4096Head128DecodeCache), 4096, Window4096Head128DecodeCache.HeadDim, Window4096Head128DecodeCache.Window,
            Window4096Head128DecodeCache.CacheMaxChunk, Window4096Head128DecodeCache.CacheCapacity,
            (batch, heads, kvHeads, options) => Window4096Head128DecodeCache.CreateCache(batch, heads, kvHeads, options)),
        new(nameof(Window4096Head128PrefillCache), 4096, Window4096Head128PrefillCache.HeadDim, Window4096Head128PrefillCache.Window,
            Window4096Head128PrefillCache.CacheMaxChunk, Window4096Head128PrefillCache.CacheCapacity,
            (batch, heads, kvHeads, options) => Window4096Head128PrefillCache.CreateCache(batch, heads, kvHeads, options)),
    };

    public static CachedBenchSpec Find(int windowKeys, int maxChunk) =>
        Array.Find(All, spec => spec.WindowKeys == windowKeys && spec.MaxChunk == maxChunk) ?? throw new ArgumentException($"no cached spec for window {windowKeys}, MaxChunk {maxChunk}");
}
