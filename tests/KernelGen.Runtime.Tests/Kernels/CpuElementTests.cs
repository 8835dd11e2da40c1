using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>
/// fp16 and bf16 on the CPU kernel. Keys and values widen exactly a tile at a time and every step after them is the fp32
/// kernel's, so on the same rounded inputs a 16-bit spec's output is exactly its fp32 twin's output rounded to the element
/// type (on one thread as on all), its log-sum-exp exactly the twin's, and its error against the fp64 reference within
/// <see cref="ElementTolerance"/>. Hidden NaN and infinities in 16-bit keys and values are in <see cref="HiddenKeyIsolationTests"/>.
/// </summary>
public sealed class CpuElementTests
{
    private static readonly CpuAttentionOptions OneThread = new() { MaxDegreeOfParallelism = 1 };

    private readonly ITestOutputHelper _log;

    public CpuElementTests(ITestOutputHelper log) => _log = log;

    public static IEnumerable<object[]> Shapes() =>
        from spec in ElementSpecUnderTest.All
        from shape in KernelAccuracyTests.SmallShapes.Concat(CpuKernelTests.TileCrossingShapes)
        select new object[] { spec, shape.Name, shape.Shape };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void OutputIsTheFp32TwinRounded(ElementSpecUnderTest spec, string shapeName, AttentionShape shape)
    {
        var inputs = spec.RoundedInputs(shape, seed: shapeName.Length);
        var (twinOutput, twinLogSumExp) = Run(spec.Twin.OnCpu(), shape, inputs);
        var (output, logSumExp) = Run(spec.OnCpu(OneThread), shape, inputs);

        Assert.Equal(ElementArrays.Bits(ElementArrays.Rounded(twinOutput, spec.Element)), ElementArrays.Bits(output));
        Assert.Equal(ElementArrays.Bits(twinLogSumExp), ElementArrays.Bits(logSumExp));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesTheReferenceOnTheRoundedInputs(ElementSpecUnderTest spec, string shapeName, AttentionShape shape)
    {
        var (_, logSumExp, actual, expected) = spec.Twin.Compare(spec.OnCpu(), shape, spec.RoundedInputs(shape, seed: shapeName.Length));
        ElementTolerance.Check(actual, expected.Output, spec.Element, _log, $"{spec} {shapeName} {shape}");
        Assert.True(logSumExp.MaxRelative <= 1e-5, $"log-sum-exp {logSumExp}");
    }

    /// <summary>Each sequence of a packed batch against the fp64 reference on that sequence alone (batches of <see cref="VarlenCpuTests"/>).</summary>
    [Theory]
    [MemberData(nameof(VarlenBatches))]
    public void VarlenMatchesEachSequenceOnItsOwn(ElementSpecUnderTest spec, string name, int[] queryLengths, int[] keyLengths)
    {
        const int Heads = 4, KvHeads = 2;
        var twin = spec.Twin;
        var cuQ = VarlenCpuTests.Offsets(queryLengths);
        var cuK = VarlenCpuTests.Offsets(keyLengths);
        var random = new Random(name.Length);
        var q = ElementArrays.RoundedFill(cuQ[^1] * Heads * twin.HeadDim, spec.Element, random);
        var k = ElementArrays.RoundedFill(cuK[^1] * KvHeads * twin.HeadDim, spec.Element, random);
        var v = ElementArrays.RoundedFill(cuK[^1] * KvHeads * twin.HeadDim, spec.Element, random);
        var sinks = twin.HasSinks ? ElementArrays.RoundedFill(Heads, AttentionElement.Float32, random) : Array.Empty<float>();
        var output = new float[q.Length];
        var logSumExp = new float[Heads * cuQ[^1]];
        spec.Varlen(q, k, v, sinks, output, logSumExp, cuQ, cuK, Heads, KvHeads);

        var sequences = queryLengths.Select((count, sequence) => new SequenceHistory(
            count, keyLengths[sequence],
            q[(cuQ[sequence] * Heads * twin.HeadDim)..(cuQ[sequence + 1] * Heads * twin.HeadDim)],
            k[(cuK[sequence] * KvHeads * twin.HeadDim)..(cuK[sequence + 1] * KvHeads * twin.HeadDim)],
            v[(cuK[sequence] * KvHeads * twin.HeadDim)..(cuK[sequence + 1] * KvHeads * twin.HeadDim)])).ToArray();
        var expected = SequenceHistory.Reference(sequences, Heads, KvHeads, twin.HeadDim, twin.Window, twin.Options, sinks);
        ElementTolerance.Check(output, expected.Output, spec.Element, _log, $"{spec} {name}");
        var logSumExpError = ErrorReport.Compare(logSumExp, expected.LogSumExp, relativeFloor: 1);
        Assert.True(logSumExpError.MaxRelative <= 1e-5, $"log-sum-exp {logSumExpError}");
    }

    public static IEnumerable<object[]> VarlenBatches() =>
        from spec in new[] { nameof(SoftCapWithSinksFloat16), nameof(DefaultTiles128BFloat16), nameof(ChunkedWindowBFloat16), nameof(StreamingSinksFloat16) }
        from batch in VarlenCpuTests.Batches()
        select new[] { ElementSpecUnderTest.Named(spec) }.Concat(batch).ToArray();

    /// <summary><c>ILGPU.Half</c> holds fp16 as <see cref="Half"/> does: the kernel gives the same bits for either.</summary>
    [Fact]
    public void IlgpuHalfElementsGiveTheBitsOfSystemHalf()
    {
        var shape = new AttentionShape(1, 40, 70, 4, 2);
        var (q, k, v) = ElementArrays.RoundedInputs(shape, DefaultTiles64Float16.HeadDim, AttentionElement.Float16, seed: 1);
        var system = new Half[q.Length];
        DefaultTiles64Float16.ForwardCpu(ElementArrays.Narrow<Half>(q), ElementArrays.Narrow<Half>(k), ElementArrays.Narrow<Half>(v), system, shape);
        var ilgpu = new ILGPU.Half[q.Length];
        CpuAttention.Forward(
            default(DefaultTiles64Float16.BakedConstants), default(DefaultTiles64Float16.BakedWindow), DefaultTiles64Float16.Alignment,
            ElementArrays.Narrow<ILGPU.Half>(q), ElementArrays.Narrow<ILGPU.Half>(k), ElementArrays.Narrow<ILGPU.Half>(v), default,
            ilgpu, default, shape, writesLogSumExp: false, options: null);

        Assert.Equal(ElementArrays.Bits(ElementArrays.Widen(system)), ElementArrays.Bits(ElementArrays.Widen(ilgpu)));
    }

    /// <summary>A spec's <c>Forward(KernelGenDevice, ...)</c> on the CPU device runs its CPU kernel, element spans in and out.</summary>
    [Fact]
    public void TheCpuDeviceRunsTheCpuKernelOnElementSpans()
    {
        var shape = new AttentionShape(2, 9, 11, 4, 2);
        var (q, k, v) = ElementArrays.RoundedInputs(shape, DefaultTiles128BFloat16.HeadDim, AttentionElement.BFloat16, seed: 2);
        var (qb, kb, vb) = (ElementArrays.Narrow<BFloat16>(q), ElementArrays.Narrow<BFloat16>(k), ElementArrays.Narrow<BFloat16>(v));
        var direct = new BFloat16[q.Length];
        DefaultTiles128BFloat16.ForwardCpu(qb, kb, vb, direct, shape);
        using var device = KernelGenDevice.Cpu();
        var throughDevice = new BFloat16[q.Length];
        DefaultTiles128BFloat16.Forward(device, qb, kb, vb, throughDevice, shape);

        Assert.Equal(direct, throughDevice);
    }

    [Fact]
    public void OtherElementTypesAreRefused()
    {
        var shape = new AttentionShape(1, 2, 2, 1, 1);
        var buffer = new double[shape.QueryElements(DefaultTiles64.HeadDim)];
        var error = Assert.Throws<NotSupportedException>(() => CpuAttention.Forward(
            default(DefaultTiles64.BakedConstants), default(DefaultTiles64.BakedWindow), DefaultTiles64.Alignment,
            buffer, buffer, buffer, default, buffer, default, shape, writesLogSumExp: false, options: null));
        Assert.Contains("System.Double", error.Message);
        Assert.Throws<NotSupportedException>(() =>
            new HostKeyValueCache<DefaultTiles64.BakedConstants, DefaultTiles64.BakedWindow, int>(default, DefaultTiles64.Window, 4, null, 1, 1, 1));
    }

    private static (float[] Output, float[] LogSumExp) Run(SpecUnderTest.Kernel kernel, AttentionShape shape, AttentionInputsForTests inputs)
    {
        var output = new float[inputs.Q.Length];
        var logSumExp = new float[shape.LogSumExpElements];
        kernel(inputs.Q, inputs.K, inputs.V, inputs.Sinks, output, logSumExp, shape);
        return (output, logSumExp);
    }
}
