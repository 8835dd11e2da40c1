using KernelGen.Runtime.Tests.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Runtime.Tests.Caching;

/// <summary>
/// Device KV caches of fp16 and bf16 (the spec's <c>CreateCache(accelerator, ...)</c>, on ILGPU's CPU accelerator) against
/// their fp32 twins on the same device, step after step: what <see cref="ElementCacheTests"/> checks for host caches,
/// through the scatter kernel, the ring and the split-key decode.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class DeviceElementCacheTests
{
    private const int Batch = 3, Heads = 4, KvHeads = 2;

    private readonly AcceleratorFixture _fixture;
    private readonly ITestOutputHelper _log;

    public DeviceElementCacheTests(AcceleratorFixture fixture, ITestOutputHelper log)
    {
        _fixture = fixture;
        _log = log;
    }

    [Fact]
    public void PinnedRingWithSinksAndSoftCapInFp16()
    {
        using var cache = PinnedLargerCacheFloat16.CreateCache(_fixture.Accelerator, Batch, Heads, KvHeads);
        using var twin = PinnedLargerCache.CreateCache(_fixture.Accelerator, Batch, Heads, KvHeads);
        ElementCacheTests.Check(cache, twin, AttentionElement.Float16, new(PinnedLargerCache.SoftmaxScale, PinnedLargerCache.LogitSoftCap), seed: 5, _log);
    }

    [Fact]
    public void RingWithSinkTokensInBf16()
    {
        using var cache = SinkTokenCacheBFloat16.CreateCache(_fixture.Accelerator, Batch, Heads, KvHeads);
        using var twin = SinkTokenCache.CreateCache(_fixture.Accelerator, Batch, Heads, KvHeads);
        ElementCacheTests.Check(cache, twin, AttentionElement.BFloat16, new(SinkTokenCache.SoftmaxScale), seed: 6, _log);
    }
}
