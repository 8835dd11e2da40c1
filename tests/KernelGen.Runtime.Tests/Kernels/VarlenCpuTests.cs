using System;
using System.Linq;
using Xunit;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>
/// <c>ForwardCpuVarlen</c> against the fp64 reference run on each sequence alone: the window applies inside each
/// sequence with its own diagonal, for empty and length-1 sequences, lengths off the 64-key tiles, more queries than
/// keys and the reverse, both alignments and GQA; and offsets that cannot describe the buffers are refused by entry.
/// </summary>
public sealed class VarlenCpuTests
{
    public static TheoryData<string, int[], int[]> Batches() => new()
    {
        { "mixed lengths", new[] { 5, 1, 70, 0, 130 }, new[] { 5, 1, 70, 0, 130 } },
        { "decode rows against long histories", new[] { 1, 1, 2 }, new[] { 65, 1, 200 } },
        { "more queries than keys", new[] { 9, 40 }, new[] { 3, 17 } },
        { "empty sequences around one token", new[] { 0, 1, 0 }, new[] { 0, 1, 0 } },
        { "queries without keys", new[] { 3, 2 }, new[] { 0, 4 } },
    };

    [Theory]
    [MemberData(nameof(Batches))]
    public void EachSequenceMatchesTheReferenceOnItsOwn(string name, int[] queryLengths, int[] keyLengths)
    {
        Check(name, queryLengths, keyLengths, 4, 2, PropertySoftCapSinks32.Window, 32, PropertySoftCapSinks32.SoftmaxScale, PropertySoftCapSinks32.LogitSoftCap, hasSinks: true,
            (q, k, v, s, o, l, cq, ck, h, kv) => PropertySoftCapSinks32.ForwardCpuVarlen(q, k, v, s, o, l, cq, ck, h, kv));
        Check(name, queryLengths, keyLengths, 3, 1, VarlenBand.Window, 16, VarlenBand.SoftmaxScale, 0, hasSinks: false,
            (q, k, v, s, o, l, cq, ck, h, kv) => VarlenBand.ForwardCpuVarlen(q, k, v, o, l, cq, ck, h, kv));
        Check(name, queryLengths, keyLengths, 2, 2, VarlenTopLeft.Window, 48, VarlenTopLeft.SoftmaxScale, 0, hasSinks: false,
            (q, k, v, s, o, l, cq, ck, h, kv) => VarlenTopLeft.ForwardCpuVarlen(q, k, v, o, l, cq, ck, h, kv));
    }

    [Fact]
    public void TheOverloadWithoutLogSumExpWritesTheSameOutput()
    {
        var cuQ = new[] { 0, 3, 10 };
        var cuK = new[] { 0, 8, 9 };
        var q = Values(10 * 3 * 16, 1);
        var k = Values(9 * 1 * 16, 2);
        var v = Values(9 * 1 * 16, 3);
        var withLogSumExp = new float[q.Length];
        var without = new float[q.Length];
        VarlenBand.ForwardCpuVarlen(q, k, v, withLogSumExp, new float[30], cuQ, cuK, 3, 1);
        VarlenBand.ForwardCpuVarlen(q, k, v, without, cuQ, cuK, 3, 1);
        Assert.Equal(withLogSumExp, without);
    }

    [Theory]
    [InlineData(new[] { 1, 3, 5 }, new[] { 0, 3, 5 }, "cuSeqLensQ[0] is 1")]
    [InlineData(new[] { 0, 4, 3, 5 }, new[] { 0, 1, 3, 5 }, "cuSeqLensQ[2] is 3, below cuSeqLensQ[1] = 4")]
    [InlineData(new[] { 0, 3, 4 }, new[] { 0, 3, 5 }, "cuSeqLensQ[2] is 4, but the buffers hold 5 query tokens")]
    [InlineData(new[] { 0, 3, 5 }, new[] { 0, 6, 5 }, "cuSeqLensK[2] is 5, below cuSeqLensK[1] = 6")]
    [InlineData(new[] { 0, 3, 5 }, new[] { 0, 3, 5, 5 }, "cuSeqLensQ has 3 entries and cuSeqLensK 4")]
    [InlineData(new[] { 0 }, new[] { 0 }, "needs batch + 1, at least 2")]
    public void BadOffsetsNameTheFirstBadEntry(int[] cuQ, int[] cuK, string expected)
    {
        var q = new float[5 * 3 * 16];
        var kv = new float[5 * 16];
        var exception = Assert.Throws<ArgumentException>(() => VarlenBand.ForwardCpuVarlen(q, kv, kv, new float[q.Length], cuQ, cuK, 3, 1));
        Assert.Contains(expected, exception.Message);
    }

    private delegate void Varlen(float[] q, float[] k, float[] v, float[] sinks, float[] output, float[] logSumExp, int[] cuQ, int[] cuK, int heads, int kvHeads);

    private static void Check(string name, int[] queryLengths, int[] keyLengths, int heads, int kvHeads, AttentionWindow window, int headDim, double scale, double softCap, bool hasSinks, Varlen forward)
    {
        var cuQ = Offsets(queryLengths);
        var cuK = Offsets(keyLengths);
        var q = Values(cuQ[^1] * heads * headDim, 11);
        var k = Values(cuK[^1] * kvHeads * headDim, 12);
        var v = Values(cuK[^1] * kvHeads * headDim, 13);
        var sinks = hasSinks ? Values(heads, 14) : Array.Empty<float>();
        var output = new float[q.Length];
        var logSumExp = new float[heads * cuQ[^1]];
        forward(q, k, v, sinks, output, logSumExp, cuQ, cuK, heads, kvHeads);

        var sequences = queryLengths.Select((n, sequence) => new SequenceHistory(
            n, keyLengths[sequence],
            q[(cuQ[sequence] * heads * headDim)..(cuQ[sequence + 1] * heads * headDim)],
            k[(cuK[sequence] * kvHeads * headDim)..(cuK[sequence + 1] * kvHeads * headDim)],
            v[(cuK[sequence] * kvHeads * headDim)..(cuK[sequence + 1] * kvHeads * headDim)])).ToArray();
        var expected = SequenceHistory.Reference(sequences, heads, kvHeads, headDim, window, new(scale, softCap), sinks);
        var outputError = ErrorReport.Compare(output, expected.Output);
        Assert.True(outputError.MaxAbsolute <= 1e-5, $"{name}, {window}: output {outputError}");
        var logSumExpError = ErrorReport.Compare(logSumExp, expected.LogSumExp, relativeFloor: 1);
        Assert.True(logSumExpError.MaxRelative <= 1e-5, $"{name}, {window}: log-sum-exp {logSumExpError}");
    }

    /// <summary>Cumulative offsets of <paramref name="lengths"/>, from 0: FlashAttention's <c>cu_seqlens</c>.</summary>
    internal static int[] Offsets(int[] lengths)
    {
        var offsets = new int[lengths.Length + 1];
        for (int index = 0; index < lengths.Length; index++)
        {
            offsets[index + 1] = offsets[index] + lengths[index];
        }

        return offsets;
    }

    private static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }
}

[AttentionKernel(HeadDim = 16)]
[SlidingWindow(Left = 20, Right = 3, Inclusive = true)]
public static partial class VarlenBand;

[AttentionKernel(HeadDim = 48)]
[SlidingWindow(Left = 5, Right = 30, Inclusive = true, Alignment = WindowAlignment.TopLeft)]
public static partial class VarlenTopLeft;
