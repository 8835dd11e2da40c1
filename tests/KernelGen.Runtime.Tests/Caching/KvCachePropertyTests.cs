using System;
using System.Collections.Generic;
using System.Linq;
using KernelGen.Runtime.Tests.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Runtime.Tests.Caching;

/// <summary>
/// The host KV cache against full-history attention from the fp64 reference, after every step of random chunk
/// sequences: prefill chunks of varied sizes, then decode steps, each batch row at its own length, for random windows
/// (bounded and unbounded, right bounds of 0 and below, chunked, with sink tokens), GQA, sinks and soft cap. Stale slots hold NaN, so a key
/// outside the window that reached an output would show; and a ring never holds more than its capacity.
/// </summary>
public sealed class KvCachePropertyTests
{
    private const int Cases = 160;

    private readonly ITestOutputHelper _log;

    public KvCachePropertyTests(ITestOutputHelper log) => _log = log;

    /// <summary>A spec's constants, with a factory for a cache over any window on its CPU kernel.</summary>
    private sealed record Constants(string Name, int HeadDim, double Scale, double SoftCap, bool HasSinks, Func<AttentionWindow, int, int, int, int, KeyValueCache<float>> Create);

    private static readonly Constants[] Specs =
    {
        Spec<PropertyHead16.BakedConstants>(nameof(PropertyHead16), 16, PropertyHead16.SoftmaxScale, 0),
        Spec<PropertyHead48.BakedConstants>(nameof(PropertyHead48), 48, PropertyHead48.SoftmaxScale, 0),
        Spec<PropertyHead64.BakedConstants>(nameof(PropertyHead64), 64, PropertyHead64.SoftmaxScale, 0),
        Spec<PropertySoftCapSinks32.BakedConstants>(nameof(PropertySoftCapSinks32), 32, PropertySoftCapSinks32.SoftmaxScale, PropertySoftCapSinks32.LogitSoftCap),
    };

    private static Constants Spec<TConstants>(string name, int headDim, double scale, double softCap)
        where TConstants : struct, IKernelConstants =>
        new(name, headDim, scale, softCap, default(TConstants).HasSinks, (window, maxChunk, batch, heads, kvHeads) =>
            new HostKeyValueCache<TConstants, RuntimeWindowBounds, float>(new RuntimeWindowBounds(window), window, maxChunk, null, batch, heads, kvHeads));

    [Fact]
    public void EveryStepMatchesFullHistoryAttention()
    {
        var random = new Random(20261130);
        double worstOutput = 0, worstLogSumExp = 0;
        var kinds = new HashSet<string>();
        int steps = 0;
        for (int run = 0; run < Cases; run++)
        {
            var spec = Specs[random.Next(Specs.Length)];
            var window = RandomWindow(random);
            // Growing caches get longer chunks and more of them, so that most outgrow their first slots.
            int maxChunk = window.Left.HasValue || window.ChunkSize.HasValue ? (random.Next(4) == 0 ? 1 : random.Next(2, 24)) : random.Next(16, 96);
            int kvHeads = random.Next(1, 3);
            int heads = kvHeads * random.Next(1, 4);
            int batch = random.Next(1, 4);
            using var cache = spec.Create(window, maxChunk, batch, heads, kvHeads);
            FillWithNaNThenReset(cache);
            var history = new CacheHistory(batch, heads, kvHeads, spec.HeadDim);
            var sinks = spec.HasSinks ? RandomValues(random, heads, 2) : Array.Empty<float>();
            int prefillSteps = window.Left.HasValue || window.ChunkSize.HasValue ? random.Next(0, 7) : random.Next(3, 12);
            int decodeSteps = random.Next(1, 12);
            for (int step = 0; step < prefillSteps + decodeSteps; step++)
            {
                // Prefill chunks of any size up to MaxChunk, then mostly one token per row; some rows sit a step out.
                var counts = Enumerable.Range(0, batch)
                    .Select(_ => random.Next(6) == 0 ? 0 : step < prefillSteps ? random.Next(1, maxChunk + 1) : 1)
                    .ToArray();
                int tokens = counts.Sum();
                var q = RandomValues(random, tokens * heads * spec.HeadDim, 1);
                var k = RandomValues(random, tokens * kvHeads * spec.HeadDim, 1);
                var v = RandomValues(random, tokens * kvHeads * spec.HeadDim, 1);
                var output = new float[q.Length];
                var logSumExp = new float[tokens * heads];
                bool withLogSumExp = random.Next(2) == 0;
                if (withLogSumExp)
                {
                    cache.Append(k, v, counts);
                    cache.Attend(q, sinks, output, logSumExp, counts);
                }
                else if (spec.HasSinks)
                {
                    cache.Forward(q, k, v, sinks, output, counts);
                }
                else
                {
                    cache.Forward(q, k, v, output, counts);
                }

                history.Append(k, v, counts);
                var expected = history.Expected(q, counts, window, new(spec.Scale, spec.SoftCap), sinks);
                var outputError = ErrorReport.Compare(output, expected.Output);
                var description = $"case {run} step {step}: {spec.Name}, {window}, MaxChunk {maxChunk}, counts [{string.Join(", ", counts)}], lengths [{string.Join(", ", Enumerable.Range(0, batch).Select(row => cache.Length(row)))}], heads {heads}/{kvHeads}";
                Assert.True(outputError.MaxAbsolute <= 1e-5, $"{description}: output {outputError}");
                worstOutput = Math.Max(worstOutput, outputError.MaxAbsolute);
                if (withLogSumExp)
                {
                    var logSumExpError = ErrorReport.Compare(logSumExp, expected.LogSumExp, relativeFloor: 1);
                    Assert.True(logSumExpError.MaxRelative <= 1e-5, $"{description}: log-sum-exp {logSumExpError}");
                    worstLogSumExp = Math.Max(worstLogSumExp, logSumExpError.MaxRelative);
                }

                for (int row = 0; row < batch; row++)
                {
                    Assert.Equal(history.Length(row), cache.Length(row));
                    Assert.True(cache.HeldKeys(row) <= cache.Capacity);
                    if (KvCacheCapacity.Capacity(window, maxChunk) is int capacity)
                    {
                        Assert.Equal(capacity, cache.Capacity);
                    }
                }

                steps++;
            }

            kinds.Add(Kind(window, cache, spec));
        }

        _log.WriteLine($"{Cases} caches, {steps} steps; worst output max abs {worstOutput:E2}, worst log-sum-exp rel {worstLogSumExp:E2}; kinds: {string.Join(", ", kinds.OrderBy(kind => kind))}");

        // Rings that wrapped and growing caches that grew, right bounds of 0 and below, with and without sinks.
        Assert.Contains("ring wrapped", kinds);
        Assert.Contains("ring wrapped right<0", kinds);
        Assert.Contains(kinds, kind => kind.StartsWith("ring wrapped", StringComparison.Ordinal) && kind.EndsWith(" sinks", StringComparison.Ordinal));
        Assert.Contains("growing grew", kinds);
        Assert.Contains("ring wrapped chunked", kinds);
        Assert.Contains(kinds, kind => kind.StartsWith("ring wrapped sink-tokens", StringComparison.Ordinal));
    }

    /// <summary>
    /// The capacity rule is the smallest ring that works: an append of n tokens at position p needs the keys from its first
    /// query's first visible key to p + n - 1, so the smallest safe ring is MaxChunk plus the farthest any query reaches
    /// back, found here by trying every position with the visibility test itself.
    /// </summary>
    [Fact]
    public void CapacityIsTheSmallestRingThatServesEveryAppend()
    {
        foreach (int? left in new int?[] { null, 0, 1, 3, 6, 11 })
        foreach (int right in new[] { 0, -1, -2 })
        foreach (int? chunk in new int?[] { null, 3, 4, 7, 12 })
        foreach (int maxChunk in new[] { 1, 2, 5 })
        {
            if ((left is null && chunk is null) || (left is int l && l + right < 0) || chunk <= -right)
            {
                continue;
            }

            var window = new AttentionWindow(left, right, chunkSize: chunk);
            long reach = 0;
            for (int position = 0; position < 60; position++)
            {
                // Query `position` decoding alone: its diagonal is its position (bottom-right).
                var firstSeen = Enumerable.Range(0, position + 1).FirstOrDefault(key => window.IsVisible(0, key, 1, position + 1), -1);
                if (firstSeen >= 0)
                {
                    reach = Math.Max(reach, position - firstSeen);
                }
            }

            Assert.True(reach + maxChunk == KvCacheCapacity.Capacity(window, maxChunk), $"{window}, MaxChunk {maxChunk}: smallest safe ring {reach + maxChunk}, rule {KvCacheCapacity.Rule(window, maxChunk)}");
        }
    }

    /// <summary>Writes NaN into every slot the cache will use, then forgets the tokens: what a reused cache's stale slots hold.</summary>
    internal static void FillWithNaNThenReset<TElement>(KeyValueCache<TElement> cache)
        where TElement : unmanaged
    {
        int perAppend = cache.MaxChunk;
        var counts = Enumerable.Repeat(perAppend, cache.Batch).ToArray();
        var poison = Enumerable.Repeat(ElementSpans.Narrow<TElement>(float.NaN), cache.Batch * perAppend * cache.KvHeads * cache.HeadDim).ToArray();
        int target = cache.IsRing ? cache.Capacity : cache.Capacity - perAppend;
        while (cache.Length(0) < target)
        {
            cache.Append(poison, poison, counts);
        }

        cache.Reset();
    }

    private static AttentionWindow RandomWindow(Random random)
    {
        int? left = random.Next(4) == 0 ? null : random.Next(0, 70);
        int right = random.Next(3) == 0 ? -random.Next(1, 3) : 0;
        if (left is int bounded && bounded + right < 0)
        {
            left = -right;
        }

        // A quarter are chunked (Llama 4's local layers), so the ring is sized by the chunk when it is the nearer limit.
        int? chunk = random.Next(4) == 0 ? random.Next(Math.Max(1, 1 - right), 40) : null;

        // A quarter of the other bounded ones keep StreamingLLM's sink tokens, in slots of their own before the ring.
        int sinkTokens = chunk is null && left is not null && random.Next(4) == 0 ? random.Next(1, 5) : 0;
        return new AttentionWindow(left, right, chunkSize: chunk, sinkTokens: sinkTokens);
    }

    private static float[] RandomValues(Random random, int count, double scale) =>
        Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();

    private static string Kind(AttentionWindow window, KeyValueCache<float> cache, Constants spec)
    {
        string kind = !cache.IsRing ? (cache.Capacity > Math.Max(cache.MaxChunk, KvCacheCapacity.InitialGrowingCapacity) ? "growing grew" : "growing")
            : Enumerable.Range(0, cache.Batch).Any(row => cache.Length(row) > cache.Capacity) ? "ring wrapped" : "ring";
        return kind
            + (window.SinkTokens > 0 ? " sink-tokens" : string.Empty)
            + (window.ChunkSize.HasValue ? " chunked" : string.Empty)
            + (window.Right < 0 ? " right<0" : string.Empty)
            + (spec.HasSinks ? " sinks" : string.Empty);
    }
}
