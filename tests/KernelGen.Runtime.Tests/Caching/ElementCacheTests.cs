using System;
using System.Linq;
using KernelGen.Runtime.Tests.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Runtime.Tests.Caching;

/// <summary>
/// Host KV caches of fp16 and bf16 against their fp32 twins and full-history attention, step after step of prefill chunks
/// and decode (append and attend, or forward), rows at their own lengths, rings that wrap and a cache that grows: each
/// step's output is exactly the twin cache's output rounded, its log-sum-exp exactly the twin's, and within <see cref="ElementTolerance"/> of the fp64
/// reference on the same rounded history. Stale slots hold NaN.
/// </summary>
public sealed class ElementCacheTests
{
    private const int Batch = 3, Heads = 4, KvHeads = 2;

    private readonly ITestOutputHelper _log;

    public ElementCacheTests(ITestOutputHelper log) => _log = log;

    [Fact]
    public void PinnedRingWithSinksAndSoftCapInFp16()
    {
        using var cache = PinnedLargerCacheFloat16.CreateCache(Batch, Heads, KvHeads);
        using var twin = PinnedLargerCache.CreateCache(Batch, Heads, KvHeads);
        Check(cache, twin, AttentionElement.Float16, new(PinnedLargerCache.SoftmaxScale, PinnedLargerCache.LogitSoftCap), seed: 1, _log);
    }

    [Fact]
    public void GrowingCacheInFp16()
    {
        using var cache = GrowingCacheFloat16.CreateCache(Batch, Heads, KvHeads);
        using var twin = GrowingCache.CreateCache(Batch, Heads, KvHeads);
        Check(cache, twin, AttentionElement.Float16, new(GrowingCache.SoftmaxScale), seed: 2, _log);
    }

    [Fact]
    public void RingInBf16()
    {
        using var cache = SmallRingCacheBFloat16.CreateCache(Batch, Heads, KvHeads);
        using var twin = SmallRingCache.CreateCache(Batch, Heads, KvHeads);
        Check(cache, twin, AttentionElement.BFloat16, new(SmallRingCache.SoftmaxScale), seed: 3, _log);
    }

    [Fact]
    public void RingWithSinkTokensInBf16()
    {
        using var cache = SinkTokenCacheBFloat16.CreateCache(Batch, Heads, KvHeads);
        using var twin = SinkTokenCache.CreateCache(Batch, Heads, KvHeads);
        Check(cache, twin, AttentionElement.BFloat16, new(SinkTokenCache.SoftmaxScale), seed: 4, _log);
    }

    /// <summary>Runs <paramref name="cache"/> and its fp32 <paramref name="twin"/> (host or device caches) through the same steps.</summary>
    internal static void Check<TElement>(KeyValueCache<TElement> cache, KeyValueCache<float> twin, AttentionElement element, ReferenceAttention.Options options, int seed, ITestOutputHelper log)
        where TElement : unmanaged
    {
        Assert.Equal(twin.MemoryBytes / 2, cache.MemoryBytes);
        KvCachePropertyTests.FillWithNaNThenReset(cache);
        KvCachePropertyTests.FillWithNaNThenReset(twin);
        var random = new Random(seed);
        var headDim = cache.HeadDim;
        var history = new CacheHistory(Batch, Heads, KvHeads, headDim);
        var sinks = cache.HasSinks ? ElementArrays.RoundedFill(Heads, AttentionElement.Float32, random) : Array.Empty<float>();
        // Enough prefill for a growing cache to outgrow its first 64 slots; a ring wraps within a few steps.
        var prefillSteps = cache.IsRing ? 4 : 24;
        const int DecodeSteps = 12;
        double worst = 0;
        for (var step = 0; step < prefillSteps + DecodeSteps; step++)
        {
            // Prefill chunks up to MaxChunk, then one token per row; now and then a row sits a step out.
            var counts = Enumerable.Range(0, Batch)
                .Select(_ => random.Next(5) == 0 ? 0 : step < prefillSteps ? random.Next(1, cache.MaxChunk + 1) : 1)
                .ToArray();
            var tokens = counts.Sum();
            var q = ElementArrays.RoundedFill(tokens * Heads * headDim, element, random);
            var k = ElementArrays.RoundedFill(tokens * KvHeads * headDim, element, random);
            var v = ElementArrays.RoundedFill(tokens * KvHeads * headDim, element, random);
            var output = new TElement[q.Length];
            var logSumExp = new float[tokens * Heads];
            var twinOutput = new float[q.Length];
            var twinLogSumExp = new float[tokens * Heads];
            // Even steps append and attend with the log-sum-exp; odd ones go through Forward, which writes none.
            var (q16, k16, v16) = (ElementArrays.Narrow<TElement>(q), ElementArrays.Narrow<TElement>(k), ElementArrays.Narrow<TElement>(v));
            if (step % 2 == 0)
            {
                cache.Append(k16, v16, counts);
                cache.Attend(q16, sinks, output, logSumExp, counts);
                twin.Append(k, v, counts);
                twin.Attend(q, sinks, twinOutput, twinLogSumExp, counts);
            }
            else if (cache.HasSinks)
            {
                cache.Forward(q16, k16, v16, sinks, output, counts);
                twin.Forward(q, k, v, sinks, twinOutput, counts);
            }
            else
            {
                cache.Forward(q16, k16, v16, output, counts);
                twin.Forward(q, k, v, twinOutput, counts);
            }

            var widened = ElementArrays.Widen(output);
            var description = $"{element} step {step}, counts [{string.Join(", ", counts)}], lengths [{string.Join(", ", Enumerable.Range(0, Batch).Select(row => cache.Length(row)))}], capacity {cache.Capacity}";
            Assert.True(ElementArrays.Bits(ElementArrays.Rounded(twinOutput, element)).SequenceEqual(ElementArrays.Bits(widened)), $"{description}: not the fp32 cache's output rounded");
            Assert.True(ElementArrays.Bits(twinLogSumExp).SequenceEqual(ElementArrays.Bits(logSumExp)), $"{description}: not the fp32 cache's log-sum-exp");
            history.Append(k, v, counts);
            var expected = history.Expected(q, counts, cache.Window, options, sinks);
            worst = Math.Max(worst, ElementTolerance.Check(widened, expected.Output, element, log, description));
        }

        Assert.True(cache.IsRing ? cache.HeldKeys(0) == cache.Capacity : cache.Capacity > KvCacheCapacity.InitialGrowingCapacity, $"the {(cache.IsRing ? "ring did not wrap" : "cache did not grow")}");
        log.WriteLine($"{cache}: worst error {worst:0.00} of the tolerance");
    }
}
