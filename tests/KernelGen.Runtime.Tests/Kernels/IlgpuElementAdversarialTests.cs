using System;
using System.Linq;
using ILGPU.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>
/// fp16 and bf16 on the ILGPU kernel (CPU simulator) under poison: NaN and infinities in K and V at hidden and visible
/// keys, for lengths around the window (6 keys) and the tiles (8), SeqQ != SeqK, one query, and split-key decode; and rows
/// that see no key. Each output is its fp32 twin's output rounded, and NaN, +inf, -inf or finite where the fp64 reference is.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class IlgpuElementAdversarialTests
{
    private readonly AcceleratorFixture _fixture;
    private readonly ITestOutputHelper _log;

    public IlgpuElementAdversarialTests(AcceleratorFixture fixture, ITestOutputHelper log)
    {
        _fixture = fixture;
        _log = log;
    }

    private Accelerator Accelerator => _fixture.Accelerator;

    public static TheoryData<AttentionElement, int, int> PoisonShapes()
    {
        var data = new TheoryData<AttentionElement, int, int>();
        foreach (var element in new[] { AttentionElement.Float16, AttentionElement.BFloat16 })
        {
            foreach (var (seqQ, seqK) in new[] { (5, 5), (6, 6), (7, 7), (8, 8), (9, 9), (17, 17), (3, 17), (17, 9), (1, 16), (9, 24) })
            {
                data.Add(element, seqQ, seqK);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PoisonShapes))]
    public void PoisonedKeysAndValuesGiveTheTwinRoundedAndTheReferencesClass(AttentionElement element, int seqQ, int seqK)
    {
        var shape = new AttentionShape(1, seqQ, seqK, 2, 1);
        var headDim = CausalWindow5.HeadDim;
        var (q, k, v) = ElementArrays.RoundedInputs(shape, headDim, element, seed: (seqQ * 100) + seqK + (int)element);
        var random = new Random(seqQ + seqK);
        float[] poison = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        for (var key = 0; key < seqK; key++)
        {
            // A quarter of the keys get poison: one element of K, one of V, or a whole row of V.
            switch (random.Next(12))
            {
                case 0:
                    k[(key * headDim) + random.Next(headDim)] = float.NaN;
                    break;
                case 1:
                    v[(key * headDim) + random.Next(headDim)] = poison[random.Next(3)];
                    break;
                case 2:
                    Array.Fill(v, float.NaN, key * headDim, headDim);
                    break;
            }
        }

        var twin = new float[q.Length];
        CausalWindow5.Forward(Accelerator, q, k, v, twin, shape);
        var output = IlgpuElementTests.RunCausalWindow5(Accelerator, element, q, k, v, shape);

        var reference = ReferenceAttention.Compute(q, k, v, shape, headDim, CausalWindow5.Window, new(CausalWindow5.SoftmaxScale));
        AssertTwinRoundedAndReferenceClass(output, twin, reference.Output, element, $"{element} {seqQ}x{seqK}");
    }

    [Theory]
    [InlineData(AttentionElement.Float16)]
    [InlineData(AttentionElement.BFloat16)]
    public void SplitKeyDecodeWithPoisonAtHiddenAndVisibleKeys(AttentionElement element)
    {
        // One query against 45 keys: the window covers keys 14 to 44, split across parts; keys 0 to 13 hold NaN and
        // infinities, and three visible values are infinite.
        var shape = new AttentionShape(1, 1, 45, 2, 1);
        var headDim = SplitDecodeWindow.HeadDim;
        var (q, k, v) = ElementArrays.RoundedInputs(shape, headDim, element, seed: 12);
        for (var index = 0; index < 14 * headDim; index++)
        {
            k[index] = index % 2 == 0 ? float.NaN : float.PositiveInfinity;
            v[index] = index % 3 == 0 ? float.NegativeInfinity : float.NaN;
        }

        v[(20 * headDim) + 3] = float.PositiveInfinity;
        v[(40 * headDim) + 3] = float.NegativeInfinity;
        v[(30 * headDim) + 5] = float.PositiveInfinity;
        var twin = new float[q.Length];
        SplitDecodeWindow.Forward(Accelerator, q, k, v, twin, shape);
        var output = IlgpuElementTests.RunSplitDecodeWindow(Accelerator, element, q, k, v, shape);

        var reference = ReferenceAttention.Compute(q, k, v, shape, headDim, SplitDecodeWindow.Window, new(SplitDecodeWindow.SoftmaxScale));
        AssertTwinRoundedAndReferenceClass(output, twin, reference.Output, element, $"split {element}");
    }

    [Fact]
    public void RowsThatSeeNoKeyWriteZerosAndMinusInfinity()
    {
        // Left 4, right 3, bottom-right: with 12 queries and 3 keys, queries 0 to 4 see no key.
        var shape = new AttentionShape(1, 12, 3, 2, 1);
        var (q, k, v) = ElementArrays.RoundedInputs(shape, LookAheadFloat16.HeadDim, AttentionElement.Float16, seed: 9);
        var output = Enumerable.Repeat(Half.NaN, q.Length).ToArray();
        var logSumExp = new float[shape.Heads * shape.SeqQ];
        LookAheadFloat16.Forward(Accelerator, ElementArrays.Narrow<Half>(q), ElementArrays.Narrow<Half>(k), ElementArrays.Narrow<Half>(v), output, logSumExp, shape);
        var twin = new float[q.Length];
        var twinLogSumExp = new float[logSumExp.Length];
        LookAhead.Forward(Accelerator, q, k, v, twin, twinLogSumExp, shape);
        var reference = ReferenceAttention.Compute(q, k, v, shape, LookAhead.HeadDim, LookAhead.Window, new(LookAhead.SoftmaxScale));

        Assert.Contains(reference.LogSumExp, double.IsNegativeInfinity);
        AssertTwinRoundedAndReferenceClass(ElementArrays.Widen(output), twin, reference.Output, AttentionElement.Float16, "rows without keys");
        Assert.Equal(twinLogSumExp, logSumExp);
        Assert.All(output.Where((_, index) => reference.Output[index] == 0), value => Assert.Equal((ushort)0, BitConverter.HalfToUInt16Bits(value)));
    }

    private void AssertTwinRoundedAndReferenceClass(float[] output, float[] twin, double[] reference, AttentionElement element, string what)
    {
        Assert.Equal(ElementArrays.Bits(ElementArrays.Rounded(twin, element)), ElementArrays.Bits(output));
        for (var index = 0; index < output.Length; index++)
        {
            Assert.True(Class(output[index]) == Class(reference[index]), $"{what}: [{index}] is {output[index]}, the reference {reference[index]}");
        }

        var finite = Enumerable.Range(0, output.Length).Where(index => double.IsFinite(reference[index])).ToArray();
        ElementTolerance.Check(finite.Select(index => output[index]).ToArray(), finite.Select(index => reference[index]).ToArray(), element, _log, what);
    }

    private static string Class(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "+inf" : double.IsNegativeInfinity(value) ? "-inf" : "finite";
}
