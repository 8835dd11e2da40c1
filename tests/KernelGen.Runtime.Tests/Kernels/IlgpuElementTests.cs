using System;
using System.Linq;
using ILGPU.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>
/// fp16 and bf16 inputs on the ILGPU kernel (CPU simulator). Loads widen exactly and every step after them is the fp32
/// kernel's, so on the same (rounded) inputs a 16-bit spec's output is exactly its fp32 twin's output rounded to the
/// element type: tiled, split-key (rounded by the combine kernel) and varlen calls. Against the fp64 reference the error is
/// then at most half an ulp of the element type plus the fp32 kernel's own error (<see cref="ElementTolerance"/>).
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class IlgpuElementTests
{
    private readonly AcceleratorFixture _fixture;
    private readonly ITestOutputHelper _log;

    public IlgpuElementTests(AcceleratorFixture fixture, ITestOutputHelper log)
    {
        _fixture = fixture;
        _log = log;
    }

    private Accelerator Accelerator => _fixture.Accelerator;

    [Theory]
    [InlineData(AttentionElement.Float16)]
    [InlineData(AttentionElement.BFloat16)]
    public void TiledOutputIsTheFp32TwinRounded(AttentionElement element)
    {
        // GQA, lengths that are not tile multiples, SeqQ != SeqK.
        var shape = new AttentionShape(2, 11, 19, 4, 2);
        var (q, k, v) = RoundedInputs(shape, CausalWindow5.HeadDim, element, seed: 5);
        var twin = new float[q.Length];
        CausalWindow5.Forward(Accelerator, q, k, v, twin, shape);

        var output = element == AttentionElement.Float16
            ? Widen(RunHalf(q, k, v, (qh, kh, vh, oh) => CausalWindow5Float16.Forward(Accelerator, qh, kh, vh, oh, shape)))
            : Widen(RunBFloat16(q, k, v, (qb, kb, vb, ob) => CausalWindow5BFloat16.Forward(Accelerator, qb, kb, vb, ob, shape)));

        Assert.Equal(Rounded(twin, element), output);
        var reference = ReferenceAttention.Compute(q, k, v, shape, CausalWindow5.HeadDim, CausalWindow5.Window, new(CausalWindow5.SoftmaxScale));
        AssertWithinTolerance(output, reference.Output, element);
    }

    [Theory]
    [InlineData(AttentionElement.Float16)]
    [InlineData(AttentionElement.BFloat16)]
    public void SplitKeyDecodeOutputIsTheFp32TwinRounded(AttentionElement element)
    {
        // One query against 45 keys, 2 heads of one key/value head: one group, its key tiles split across parts, and the
        // combine kernel writes (and rounds) the output.
        var shape = new AttentionShape(1, 1, 45, 2, 1);
        var (q, k, v) = RoundedInputs(shape, SplitDecodeWindow.HeadDim, element, seed: 6);
        Assert.True(AttentionSchedule.For(SequenceGeometry.Dense(shape, SplitDecodeWindow.HeadDim, writesLogSumExp: false),
            new RuntimeWindowBounds(SplitDecodeWindow.Window), new IlgpuTiles(SplitDecodeWindow.QueryTileSize, SplitDecodeWindow.KeyTileSize, 32), 44).Splits > 1);
        var twin = new float[q.Length];
        SplitDecodeWindow.Forward(Accelerator, q, k, v, twin, shape);

        var output = element == AttentionElement.Float16
            ? Widen(RunHalf(q, k, v, (qh, kh, vh, oh) => SplitDecodeWindowFloat16.Forward(Accelerator, qh, kh, vh, oh, shape)))
            : Widen(RunBFloat16(q, k, v, (qb, kb, vb, ob) => SplitDecodeWindowBFloat16.Forward(Accelerator, qb, kb, vb, ob, shape)));

        Assert.Equal(Rounded(twin, element), output);
        var reference = ReferenceAttention.Compute(q, k, v, shape, SplitDecodeWindow.HeadDim, SplitDecodeWindow.Window, new(SplitDecodeWindow.SoftmaxScale));
        AssertWithinTolerance(output, reference.Output, element);
    }

    [Fact]
    public void HiddenKeysHoldingNaNAndInfinityInFp16DoNotLeak()
    {
        // Keys older than the window (5 back) hold fp16 NaN and infinities in K and V; the output must be the clean run's.
        var shape = new AttentionShape(1, 9, 9, 2, 2);
        var (q, k, v) = RoundedInputs(shape, CausalWindow5.HeadDim, AttentionElement.Float16, seed: 7);
        var clean = RunHalf(q, k, v, (qh, kh, vh, oh) => CausalWindow5Float16.Forward(Accelerator, qh, kh, vh, oh, shape));

        var poisonedKeys = (float[])k.Clone();
        var poisonedValues = (float[])v.Clone();
        var rowElements = shape.KvHeads * CausalWindow5.HeadDim;
        for (var element = 0; element < 2 * rowElements; element++)
        {
            // Keys 0 and 1: hidden from queries 7 and 8 (their windows start at keys 2 and 3).
            poisonedKeys[element] = element % 2 == 0 ? float.NaN : float.PositiveInfinity;
            poisonedValues[element] = element % 3 == 0 ? float.NegativeInfinity : float.NaN;
        }

        var poisoned = RunHalf(q, poisonedKeys, poisonedValues, (qh, kh, vh, oh) => CausalWindow5Float16.Forward(Accelerator, qh, kh, vh, oh, shape));
        var lastTwoQueries = 7 * shape.Heads * CausalWindow5.HeadDim;
        Assert.Equal(clean.AsSpan(lastTwoQueries).ToArray(), poisoned.AsSpan(lastTwoQueries).ToArray());
        Assert.All(poisoned.AsSpan(lastTwoQueries).ToArray(), value => Assert.True(Half.IsFinite(value)));
    }

    [Fact]
    public void VarlenOnDeviceViewsIsTheFp32TwinRounded()
    {
        // Three packed sequences of 3, 0 and 12 queries (against 9, 4 and 12 keys) through ForwardVarlen on ILGPU.Half views.
        int[] cuSeqLensQ = [0, 3, 3, 15];
        int[] cuSeqLensK = [0, 9, 13, 25];
        const int Heads = 2, KvHeads = 1;
        var headDim = CausalWindow5.HeadDim;
        var random = new Random(8);
        var q = RoundedFill(15 * Heads * headDim, AttentionElement.Float16, random);
        var k = RoundedFill(25 * KvHeads * headDim, AttentionElement.Float16, random);
        var v = RoundedFill(25 * KvHeads * headDim, AttentionElement.Float16, random);

        using var q32 = Accelerator.Allocate1D(q);
        using var k32 = Accelerator.Allocate1D(k);
        using var v32 = Accelerator.Allocate1D(v);
        using var out32 = Accelerator.Allocate1D<float>(q.Length);
        using var lse32 = Accelerator.Allocate1D<float>(15 * Heads);
        CausalWindow5.ForwardVarlen(Accelerator, q32.View, k32.View, v32.View, out32.View, lse32.View, cuSeqLensQ, cuSeqLensK, 12, 12, Heads, KvHeads);

        using var q16 = Accelerator.Allocate1D(ToHalf(q).Select(value => (ILGPU.Half)(float)value).ToArray());
        using var k16 = Accelerator.Allocate1D(ToHalf(k).Select(value => (ILGPU.Half)(float)value).ToArray());
        using var v16 = Accelerator.Allocate1D(ToHalf(v).Select(value => (ILGPU.Half)(float)value).ToArray());
        using var out16 = Accelerator.Allocate1D<ILGPU.Half>(q.Length);
        using var lse16 = Accelerator.Allocate1D<float>(15 * Heads);
        CausalWindow5Float16.ForwardVarlen(Accelerator, q16.View, k16.View, v16.View, out16.View, lse16.View, cuSeqLensQ, cuSeqLensK, 12, 12, Heads, KvHeads);
        Accelerator.DefaultStream.Synchronize();

        Assert.Equal(Rounded(out32.GetAsArray1D(), AttentionElement.Float16), out16.GetAsArray1D().Select(value => (float)value).ToArray());
        Assert.Equal(lse32.GetAsArray1D(), lse16.GetAsArray1D());
    }

    [Fact]
    public void HostElementsOfAnotherFormatOfTheSameSizeAreRefused()
    {
        // System.Half and BFloat16 are both 16 bits: read as one another they would be garbage, not an error.
        var shape = new AttentionShape(1, 2, 2, 1, 1);
        var halves = new Half[shape.QueryElements(CausalWindow5.HeadDim)];
        var launched = false;
        Assert.Throws<ArgumentException>(() => AttentionLauncher.RunOnHost<Half, BFloat16>(
            Accelerator, halves, halves, halves, default, new Half[halves.Length], default, shape, CausalWindow5.HeadDim, false, false, (_, _, _) => launched = true));
        Assert.False(launched);
        Assert.Throws<NotSupportedException>(() => new DeviceKeyValueCache<Half, BFloat16>(
            Accelerator, SplitDecodeWindow.Window, SplitDecodeWindow.HeadDim, false, 4, null, 1, 2, 1, SplitDecodeWindowBFloat16.ForwardSequences));
        Assert.Throws<NotSupportedException>(() => new DeviceKeyValueCache<BFloat16, ILGPU.Half>(
            Accelerator, SplitDecodeWindow.Window, SplitDecodeWindow.HeadDim, false, 4, null, 1, 2, 1, SplitDecodeWindowFloat16.ForwardSequences));
    }

    /// <summary>
    /// The largest error a 16-bit output may have against the fp64 reference: half an ulp of the element type (relative
    /// 2^-11 for fp16's 10 mantissa bits, 2^-8 for bf16's 7; fp16's subnormal spacing 2^-24 near zero), plus the fp32
    /// kernel's error before rounding (measured below 1e-6 on these shapes; 1e-5 allowed, as the fp32 tests do).
    /// </summary>
    private static double ElementTolerance(AttentionElement element, double expected) => element switch
    {
        AttentionElement.Float16 => (Math.Abs(expected) * Math.Pow(2, -11)) + Math.Pow(2, -25) + 1e-5,
        AttentionElement.BFloat16 => (Math.Abs(expected) * Math.Pow(2, -8)) + 1e-5,
        _ => 1e-5,
    };

    private void AssertWithinTolerance(float[] output, double[] expected, AttentionElement element)
    {
        var worst = Enumerable.Range(0, output.Length).Max(index => Math.Abs(output[index] - expected[index]) / ElementTolerance(element, expected[index]));
        _log.WriteLine($"{element}: {ErrorReport.Compare(output, expected)}; worst error is {worst:0.00} of the tolerance");
        Assert.True(worst <= 1, $"{element}: worst error {worst:0.00} of the tolerance");
    }

    private static (float[] Q, float[] K, float[] V) RoundedInputs(AttentionShape shape, int headDim, AttentionElement element, int seed)
    {
        var random = new Random(seed);
        return (RoundedFill(shape.QueryElements(headDim), element, random),
            RoundedFill(shape.KeyElements(headDim), element, random),
            RoundedFill(shape.KeyElements(headDim), element, random));
    }

    // Values in [-2, 2) already representable in the element type, so that both specs see the same inputs.
    private static float[] RoundedFill(long length, AttentionElement element, Random random) =>
        Rounded(Enumerable.Range(0, (int)length).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray(), element);

    private static float[] Rounded(float[] values, AttentionElement element) => element switch
    {
        AttentionElement.Float16 => values.Select(value => (float)(Half)value).ToArray(),
        AttentionElement.BFloat16 => values.Select(value => (float)(BFloat16)value).ToArray(),
        _ => values,
    };

    private static Half[] ToHalf(float[] values) => values.Select(value => (Half)value).ToArray();

    private static float[] Widen(Half[] values) => values.Select(value => (float)value).ToArray();

    private static float[] Widen(BFloat16[] values) => values.Select(value => (float)value).ToArray();

    private delegate void HalfForward(ReadOnlySpan<Half> q, ReadOnlySpan<Half> k, ReadOnlySpan<Half> v, Span<Half> output);

    private delegate void BFloat16Forward(ReadOnlySpan<BFloat16> q, ReadOnlySpan<BFloat16> k, ReadOnlySpan<BFloat16> v, Span<BFloat16> output);

    private static Half[] RunHalf(float[] q, float[] k, float[] v, HalfForward forward)
    {
        var output = new Half[q.Length];
        forward(ToHalf(q), ToHalf(k), ToHalf(v), output);
        return output;
    }

    private static BFloat16[] RunBFloat16(float[] q, float[] k, float[] v, BFloat16Forward forward)
    {
        var output = new BFloat16[q.Length];
        forward(q.Select(value => (BFloat16)value).ToArray(), k.Select(value => (BFloat16)value).ToArray(), v.Select(value => (BFloat16)value).ToArray(), output);
        return output;
    }
}
