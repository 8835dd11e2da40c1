using System;
using System.Linq;
using Xunit;

namespace KernelGen.Runtime.Tests.Caching;

/// <summary>What the generated caches promise besides their numbers: sizes from the window, checks before any write, thread-count independence.</summary>
public sealed class KvCacheBehaviourTests
{
    [Fact]
    public void CapacityComesFromTheWindow()
    {
        Assert.Equal(512, MistralCache.CacheMaxChunk);
        Assert.Equal(4607, MistralCache.CacheCapacity);
        Assert.Equal("Left + MaxChunk = 4095 + 512 = 4607 keys", MistralCache.CacheCapacityRule);
        using var cache = MistralCache.CreateCache(batch: 2, heads: 8, kvHeads: 2);
        Assert.True(cache.IsRing);
        Assert.Equal(4607, cache.Capacity);
        Assert.Equal(2L * 2 * 2 * 4607 * 64 * 4, cache.MemoryBytes);

        // Sink tokens keep slots of their own before the ring.
        Assert.Equal(11, SinkTokenCache.CacheCapacity);
        Assert.Equal("SinkTokens + Left + MaxChunk = 2 + 6 + 3 = 11 keys", SinkTokenCache.CacheCapacityRule);

        // A pinned capacity above the rule is kept (KG0032 reports the waste at build time).
        Assert.Equal(12, PinnedLargerCache.CacheCapacity);
        using var pinned = PinnedLargerCache.CreateCache(1, 2, 1);
        Assert.Equal(12, pinned.Capacity);
    }

    [Fact]
    public void AGrowingCacheDoublesWhenARowOutgrowsIt()
    {
        Assert.StartsWith("no fixed capacity", GrowingCache.CacheCapacityRule);
        using var cache = GrowingCache.CreateCache(batch: 2, heads: 2, kvHeads: 1);
        Assert.False(cache.IsRing);
        Assert.Equal(KvCacheCapacity.InitialGrowingCapacity, cache.Capacity);
        for (int step = 0; step < 9; step++)
        {
            var counts = new[] { 8, step % 2 * 8 };
            var chunk = new float[counts.Sum() * 32];
            cache.Append(chunk, chunk, counts);
        }

        Assert.Equal(72, cache.Length(0));
        Assert.Equal(128, cache.Capacity);
    }

    [Fact]
    public void BadAppendsThrowBeforeAnythingIsWritten()
    {
        using var cache = SmallRingCache.CreateCache(batch: 2, heads: 2, kvHeads: 1);
        var oneToken = new float[16];
        var twoTokens = new float[32];

        // More than MaxChunk = 3 tokens in one row.
        var tooMany = Assert.Throws<ArgumentException>(() => cache.Append(new float[5 * 16], new float[5 * 16], new[] { 4, 1 }));
        Assert.Contains("tokenCounts[0] is 4", tooMany.Message);
        Assert.Contains("MaxChunk = 3", tooMany.Message);

        // Counts that do not match the buffers, or a count per row missing.
        Assert.Throws<ArgumentException>(() => cache.Append(twoTokens, oneToken, new[] { 1, 1 }));
        Assert.Throws<ArgumentException>(() => cache.Append(oneToken, oneToken, new[] { 1 }));

        // Forward checks the queries before it appends.
        Assert.Throws<ArgumentException>(() => cache.Forward(new float[3], twoTokens, twoTokens, new float[3], new[] { 1, 1 }));

        // Attending more queries than were appended, or more than MaxChunk back.
        var attend = Assert.Throws<ArgumentException>(() => cache.Attend(new float[32], new float[32], new[] { 1, 0 }));
        Assert.Contains("queryCounts[0] is 1", attend.Message);
        Assert.Equal(0, cache.Length(0));
        Assert.Equal(0, cache.Length(1));

        cache.Dispose();
        Assert.Throws<ObjectDisposedException>(() => cache.Append(oneToken, oneToken, new[] { 1, 0 }));
        Assert.Throws<ObjectDisposedException>(() => cache.Attend(new float[32], new float[32], new[] { 1, 0 }));
    }

    [Fact]
    public void SinkLogitsAreCheckedBeforeTheAppend()
    {
        using var cache = PinnedLargerCache.CreateCache(batch: 1, heads: 2, kvHeads: 1);
        var token = new float[16];
        var exception = Assert.Throws<ArgumentException>(() => cache.Forward(new float[32], token, token, new float[32], new[] { 1 }));
        Assert.Contains("learned sinks", exception.Message);
        Assert.Equal(0, cache.Length(0));
    }

    [Fact]
    public void ResultsAreBitIdenticalWhateverTheThreadCount()
    {
        float[] Run(int threads)
        {
            using var cache = new HostKeyValueCache<SmallRingCache.BakedConstants, SmallRingCache.BakedWindow, float>(
                default, SmallRingCache.Window, SmallRingCache.CacheMaxChunk, null, batch: 3, heads: 4, kvHeads: 2, new CpuAttentionOptions { MaxDegreeOfParallelism = threads });
            var random = new Random(7);
            float[] last = Array.Empty<float>();
            for (int step = 0; step < 12; step++)
            {
                var counts = new[] { 3, step % 3, 1 };
                int tokens = counts.Sum();
                float[] Values(int count) => Enumerable.Range(0, count).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
                var q = Values(tokens * 4 * 16);
                var k = Values(tokens * 2 * 16);
                var v = Values(tokens * 2 * 16);
                last = new float[q.Length];
                cache.Forward(q, k, v, last, counts);
            }

            return last;
        }

        var one = Run(1);
        Assert.Equal(one, Run(2));
        Assert.Equal(one, Run(8));
    }

    [Fact]
    public void AWindowACacheCannotServeIsRefusedAtRunTimeToo()
    {
        var symmetric = new AttentionWindow(4, 2);
        var exception = Assert.Throws<ArgumentException>(() =>
            new HostKeyValueCache<SmallRingCache.BakedConstants, RuntimeWindowBounds, float>(new RuntimeWindowBounds(symmetric), symmetric, 4, null, 1, 1, 1));
        Assert.Contains("2 key(s) after its own", exception.Message);

        var topLeft = new AttentionWindow(4, 0, WindowAlignment.TopLeft);
        Assert.Throws<ArgumentException>(() =>
            new HostKeyValueCache<SmallRingCache.BakedConstants, RuntimeWindowBounds, float>(new RuntimeWindowBounds(topLeft), topLeft, 4, null, 1, 1, 1));

        // Bounds that are not the window's, and a pinned ring below the rule.
        Assert.Throws<ArgumentException>(() =>
            new HostKeyValueCache<SmallRingCache.BakedConstants, SmallRingCache.BakedWindow, float>(default, new AttentionWindow(6, 0), 4, null, 1, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new HostKeyValueCache<SmallRingCache.BakedConstants, SmallRingCache.BakedWindow, float>(default, SmallRingCache.Window, 3, 9, 1, 1, 1));
    }

    [Theory]
    [InlineData(-1, 0, 1)] // Left + MaxChunk = 0 slots: the first append divided by zero
    [InlineData(-3, 0, 2)] // -1 slots: the constructor failed with an OverflowException
    [InlineData(2, -5, 1)]
    public void AWindowThatHidesEveryKeyIsRefusedBeforeItSizesARing(int left, int right, int maxChunk)
    {
        var empty = new AttentionWindow(left, right);
        var exception = Assert.Throws<ArgumentException>(() =>
        {
            using var cache = new HostKeyValueCache<SmallRingCache.BakedConstants, RuntimeWindowBounds, float>(new RuntimeWindowBounds(empty), empty, maxChunk, null, 1, 1, 1);
            cache.Append(new float[16 * maxChunk], new float[16 * maxChunk], new[] { maxChunk });
        });
        Assert.Contains("it hides every key", exception.Message);
    }

    [Fact]
    public void ARowOutsideTheBatchIsAnArgumentError()
    {
        // Reset, Length and HeldKeys threw IndexOutOfRangeException, which names neither the argument nor the rows there are.
        using var cache = SmallRingCache.CreateCache(batch: 2, heads: 1, kvHeads: 1);
        foreach (var call in new Action[] { () => cache.Reset(2), () => cache.Length(-1), () => cache.HeldKeys(2) })
        {
            var exception = Assert.Throws<ArgumentOutOfRangeException>(call);
            Assert.Equal("row", exception.ParamName);
            Assert.Contains("2 batch row(s): row must be 0 to 1", exception.Message);
        }
    }
}
