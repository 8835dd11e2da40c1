using System;
using System.Linq;
using ILGPU.Runtime;
using KernelGen.Runtime.Tests.Kernels;
using Xunit;

namespace KernelGen.Runtime.Tests.Caching;

/// <summary>
/// The device cache (ILGPU's CPU accelerator, running the spec's ILGPU kernel) against full-history attention from the
/// fp64 reference after every step: a ring that wraps, with NaN in its stale slots; a growing cache that grows; sinks
/// and soft cap; rows at different lengths, some sitting a step out.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class DeviceKvCacheTests
{
    private readonly AcceleratorFixture _fixture;

    public DeviceKvCacheTests(AcceleratorFixture fixture) => _fixture = fixture;

    public static TheoryData<string> Specs() => new() { nameof(SmallRingCache), nameof(PinnedLargerCache), nameof(GrowingCache), nameof(SinkTokenCache) };

    [Theory]
    [MemberData(nameof(Specs))]
    public void EveryStepMatchesFullHistoryAttention(string name)
    {
        var (create, window, headDim, scale, softCap, hasSinks) = name switch
        {
            nameof(SmallRingCache) => ((Func<int, int, int, KeyValueCache<float>>)((b, h, kv) => SmallRingCache.CreateCache(_fixture.Accelerator, b, h, kv)),
                SmallRingCache.Window, SmallRingCache.HeadDim, (double)SmallRingCache.SoftmaxScale, 0.0, false),
            nameof(PinnedLargerCache) => ((b, h, kv) => PinnedLargerCache.CreateCache(_fixture.Accelerator, b, h, kv),
                PinnedLargerCache.Window, PinnedLargerCache.HeadDim, PinnedLargerCache.SoftmaxScale, PinnedLargerCache.LogitSoftCap, true),
            nameof(SinkTokenCache) => ((b, h, kv) => SinkTokenCache.CreateCache(_fixture.Accelerator, b, h, kv),
                SinkTokenCache.Window, SinkTokenCache.HeadDim, SinkTokenCache.SoftmaxScale, 0.0, false),
            _ => ((b, h, kv) => GrowingCache.CreateCache(KernelGenDevice.OnAccelerator(_fixture.Accelerator), b, h, kv),
                GrowingCache.Window, GrowingCache.HeadDim, GrowingCache.SoftmaxScale, 0.0, false),
        };

        const int Batch = 3, Heads = 4, KvHeads = 2;
        var random = new Random(name.Length);
        using var cache = create(Batch, Heads, KvHeads);
        Assert.IsType<DeviceKeyValueCache<float, float>>(cache);

        // Stale slots hold NaN: fill the slots the steps will use, then forget the tokens.
        var poisonCounts = Enumerable.Repeat(cache.MaxChunk, Batch).ToArray();
        var poison = Enumerable.Repeat(float.NaN, Batch * cache.MaxChunk * KvHeads * headDim).ToArray();
        while (cache.Length(0) + cache.MaxChunk <= cache.Capacity)
        {
            cache.Append(poison, poison, poisonCounts);
        }

        cache.Reset();
        var history = new CacheHistory(Batch, Heads, KvHeads, headDim);
        var sinks = hasSinks ? new[] { 0.5f, -1f, 2f, float.NegativeInfinity } : Array.Empty<float>();
        int steps = name == nameof(GrowingCache) ? 24 : name == nameof(SinkTokenCache) ? 12 : 9;
        for (int step = 0; step < steps; step++)
        {
            var counts = Enumerable.Range(0, Batch).Select(row => (step + row) % 4 == 3 ? 0 : random.Next(1, cache.MaxChunk + 1)).ToArray();
            int tokens = counts.Sum();
            float[] Values(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var q = Values(tokens * Heads * headDim);
            var k = Values(tokens * KvHeads * headDim);
            var v = Values(tokens * KvHeads * headDim);
            var output = new float[q.Length];
            var logSumExp = new float[tokens * Heads];
            cache.Append(k, v, counts);
            cache.Attend(q, sinks, output, logSumExp, counts);
            history.Append(k, v, counts);

            var expected = history.Expected(q, counts, window, new(scale, softCap), sinks);
            var description = $"{name} step {step}, counts [{string.Join(", ", counts)}], lengths [{string.Join(", ", Enumerable.Range(0, Batch).Select(row => cache.Length(row)))}]";
            var outputError = ErrorReport.Compare(output, expected.Output);
            Assert.True(outputError.MaxAbsolute <= 1e-5, $"{description}: output {outputError}");
            var logSumExpError = ErrorReport.Compare(logSumExp, expected.LogSumExp, relativeFloor: 1);
            Assert.True(logSumExpError.MaxRelative <= 1e-5, $"{description}: log-sum-exp {logSumExpError}");
        }

        // The ring wrapped (or the growing cache grew) on the way.
        Assert.True(cache.IsRing ? cache.Length(0) > cache.Capacity : cache.Capacity > KvCacheCapacity.InitialGrowingCapacity, $"{name}: length {cache.Length(0)}, capacity {cache.Capacity}");
    }

    [Fact]
    public void GrowthCopiesEveryRunWhenTheStoreHasMoreElementsThanALaunchHasThreads()
    {
        // Growth launched one thread per element, (int)store.Length of them, with int run lengths: a store of more than
        // int.MaxValue elements (16 rows x 8 KV heads x 128K keys x 128) wrapped, and copied a fraction of the keys or
        // none. Here 3 threads copy 6 runs of 5 elements into runs of 8, 10 elements each.
        var accelerator = _fixture.Accelerator;
        var source = Enumerable.Range(1, 30).Select(value => (float)value).ToArray();
        using var from = accelerator.Allocate1D(source);
        using var to = accelerator.Allocate1D<float>(48);
        to.MemSetToZero();
        DeviceKeyValueCache<float, float>.CopyRuns(accelerator, from.View, to.View, 5, 8, maxThreads: 3);
        accelerator.Synchronize();
        var expected = new float[48];
        for (int run = 0; run < 6; run++)
        {
            Array.Copy(source, run * 5, expected, run * 8, 5);
        }

        Assert.Equal(expected, to.GetAsArray1D());
    }
}
