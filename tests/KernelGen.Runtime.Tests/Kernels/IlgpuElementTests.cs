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
        var (q, k, v) = ElementArrays.RoundedInputs(shape, CausalWindow5.HeadDim, element, seed: 5);
        var twin = new float[q.Length];
        CausalWindow5.Forward(Accelerator, q, k, v, twin, shape);

        var output = RunCausalWindow5(Accelerator, element, q, k, v, shape);

        Assert.Equal(ElementArrays.Rounded(twin, element), output);
        var reference = ReferenceAttention.Compute(q, k, v, shape, CausalWindow5.HeadDim, CausalWindow5.Window, new(CausalWindow5.SoftmaxScale));
        ElementTolerance.Check(output, reference.Output, element, _log, element.ToString());
    }

    [Theory]
    [InlineData(AttentionElement.Float16)]
    [InlineData(AttentionElement.BFloat16)]
    public void SplitKeyDecodeOutputIsTheFp32TwinRounded(AttentionElement element)
    {
        // One query against 45 keys, 2 heads of one key/value head: one group, its key tiles split across parts, and the
        // combine kernel writes (and rounds) the output.
        var shape = new AttentionShape(1, 1, 45, 2, 1);
        var (q, k, v) = ElementArrays.RoundedInputs(shape, SplitDecodeWindow.HeadDim, element, seed: 6);
        Assert.True(AttentionSchedule.For(SequenceGeometry.Dense(shape, SplitDecodeWindow.HeadDim, writesLogSumExp: false),
            new RuntimeWindowBounds(SplitDecodeWindow.Window), new IlgpuTiles(SplitDecodeWindow.QueryTileSize, SplitDecodeWindow.KeyTileSize, 32), 44).Splits > 1);
        var twin = new float[q.Length];
        SplitDecodeWindow.Forward(Accelerator, q, k, v, twin, shape);

        var output = RunSplitDecodeWindow(Accelerator, element, q, k, v, shape);

        Assert.Equal(ElementArrays.Rounded(twin, element), output);
        var reference = ReferenceAttention.Compute(q, k, v, shape, SplitDecodeWindow.HeadDim, SplitDecodeWindow.Window, new(SplitDecodeWindow.SoftmaxScale));
        ElementTolerance.Check(output, reference.Output, element, _log, element.ToString());
    }

    [Fact]
    public void HiddenKeysHoldingNaNAndInfinityInFp16DoNotLeak()
    {
        // Keys older than the window (5 back) hold fp16 NaN and infinities in K and V; the output must be the clean run's.
        var shape = new AttentionShape(1, 9, 9, 2, 2);
        var (q, k, v) = ElementArrays.RoundedInputs(shape, CausalWindow5.HeadDim, AttentionElement.Float16, seed: 7);
        var clean = new float[q.Length];
        ElementArrays.Run<Half>(q, k, v, clean, (qh, kh, vh, oh) => CausalWindow5Float16.Forward(Accelerator, qh, kh, vh, oh, shape));

        var poisonedKeys = (float[])k.Clone();
        var poisonedValues = (float[])v.Clone();
        var rowElements = shape.KvHeads * CausalWindow5.HeadDim;
        for (var element = 0; element < 2 * rowElements; element++)
        {
            // Keys 0 and 1: hidden from queries 7 and 8 (their windows start at keys 2 and 3).
            poisonedKeys[element] = element % 2 == 0 ? float.NaN : float.PositiveInfinity;
            poisonedValues[element] = element % 3 == 0 ? float.NegativeInfinity : float.NaN;
        }

        var poisoned = new float[q.Length];
        ElementArrays.Run<Half>(q, poisonedKeys, poisonedValues, poisoned, (qh, kh, vh, oh) => CausalWindow5Float16.Forward(Accelerator, qh, kh, vh, oh, shape));
        var lastTwoQueries = 7 * shape.Heads * CausalWindow5.HeadDim;
        Assert.Equal(clean.AsSpan(lastTwoQueries).ToArray(), poisoned.AsSpan(lastTwoQueries).ToArray());
        Assert.All(poisoned.AsSpan(lastTwoQueries).ToArray(), value => Assert.True(float.IsFinite(value)));
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
        var q = ElementArrays.RoundedFill(15 * Heads * headDim, AttentionElement.Float16, random);
        var k = ElementArrays.RoundedFill(25 * KvHeads * headDim, AttentionElement.Float16, random);
        var v = ElementArrays.RoundedFill(25 * KvHeads * headDim, AttentionElement.Float16, random);

        using var q32 = Accelerator.Allocate1D(q);
        using var k32 = Accelerator.Allocate1D(k);
        using var v32 = Accelerator.Allocate1D(v);
        using var out32 = Accelerator.Allocate1D<float>(q.Length);
        using var lse32 = Accelerator.Allocate1D<float>(15 * Heads);
        CausalWindow5.ForwardVarlen(Accelerator, q32.View, k32.View, v32.View, out32.View, lse32.View, cuSeqLensQ, cuSeqLensK, 12, 12, Heads, KvHeads);

        using var q16 = Accelerator.Allocate1D(ToIlgpuHalf(q));
        using var k16 = Accelerator.Allocate1D(ToIlgpuHalf(k));
        using var v16 = Accelerator.Allocate1D(ToIlgpuHalf(v));
        using var out16 = Accelerator.Allocate1D<ILGPU.Half>(q.Length);
        using var lse16 = Accelerator.Allocate1D<float>(15 * Heads);
        CausalWindow5Float16.ForwardVarlen(Accelerator, q16.View, k16.View, v16.View, out16.View, lse16.View, cuSeqLensQ, cuSeqLensK, 12, 12, Heads, KvHeads);
        Accelerator.DefaultStream.Synchronize();

        Assert.Equal(ElementArrays.Rounded(out32.GetAsArray1D(), AttentionElement.Float16), out16.GetAsArray1D().Select(value => (float)value).ToArray());
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

    // Through System.Half: ILGPU 1.5.3's own (Half)x truncates on the host.
    private static ILGPU.Half[] ToIlgpuHalf(float[] values) => values.Select(value => (ILGPU.Half)(float)(Half)value).ToArray();

    /// <summary>The fp16 or bf16 twin of <see cref="CausalWindow5"/> on values held as fp32 (see <see cref="ElementArrays"/>).</summary>
    internal static float[] RunCausalWindow5(Accelerator accelerator, AttentionElement element, float[] q, float[] k, float[] v, AttentionShape shape) =>
        Run(element, q, k, v,
            (qh, kh, vh, oh) => CausalWindow5Float16.Forward(accelerator, qh, kh, vh, oh, shape),
            (qb, kb, vb, ob) => CausalWindow5BFloat16.Forward(accelerator, qb, kb, vb, ob, shape));

    /// <summary>The fp16 or bf16 twin of <see cref="SplitDecodeWindow"/> on values held as fp32.</summary>
    internal static float[] RunSplitDecodeWindow(Accelerator accelerator, AttentionElement element, float[] q, float[] k, float[] v, AttentionShape shape) =>
        Run(element, q, k, v,
            (qh, kh, vh, oh) => SplitDecodeWindowFloat16.Forward(accelerator, qh, kh, vh, oh, shape),
            (qb, kb, vb, ob) => SplitDecodeWindowBFloat16.Forward(accelerator, qb, kb, vb, ob, shape));

    private static float[] Run(AttentionElement element, float[] q, float[] k, float[] v, ElementArrays.Forward<Half> float16, ElementArrays.Forward<BFloat16> bfloat16)
    {
        var output = new float[q.Length];
        if (element == AttentionElement.Float16)
        {
            ElementArrays.Run(q, k, v, output, float16);
        }
        else
        {
            ElementArrays.Run(q, k, v, output, bfloat16);
        }

        return output;
    }
}
