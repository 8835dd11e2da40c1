using System;
using System.Collections.Generic;
using System.Linq;
using ILGPU;
using ILGPU.Runtime;

namespace KernelGen.Runtime.Tests.Kernels;

// Specs whose decode calls split the keys on small shapes: key tiles of 4, so a window of a few dozen keys is many tiles.

/// <summary>Causal window with sinks and a soft cap, GQA-friendly tiles: a decode call splits its keys into 3 parts.</summary>
[AttentionKernel(HeadDim = 32, QueryTileSize = 8, KeyTileSize = 4, Causal = true, Sinks = true, LogitSoftCap = 4)]
[SlidingWindow(Left = 21, Inclusive = true)]
public static partial class SplitDecodeSinks;

/// <summary>Causal window of 31 keys, head size 16, no sinks: a decode call splits its keys into 4 parts.</summary>
[AttentionKernel(HeadDim = 16, QueryTileSize = 8, KeyTileSize = 4, Causal = true)]
[SlidingWindow(Left = 30, Inclusive = true)]
public static partial class SplitDecodeWindow;

/// <summary>
/// A spec's entry points over sequences as tests see them (<c>ForwardSequences</c>, <c>ForwardVarlen</c> with the
/// log-sum-exp), with the fp64 reference applied to each sequence's full history.
/// </summary>
public sealed record SequenceSpecUnderTest(
    string Name, int HeadDim, AttentionWindow Window, ReferenceAttention.Options Options, bool HasSinks,
    SequenceLaunch<float> Sequences, SequenceSpecUnderTest.VarlenForward Varlen)
{
    /// <summary>A spec's <c>ForwardVarlen</c> on a stream, with the log-sum-exp; <paramref name="sinkLogits"/> is ignored without sinks.</summary>
    public delegate void VarlenForward(
        AcceleratorStream stream, ArrayView<float> q, ArrayView<float> k, ArrayView<float> v, ArrayView<float> sinkLogits, ArrayView<float> output,
        ArrayView<float> logSumExp, ReadOnlySpan<int> cuSeqLensQ, ReadOnlySpan<int> cuSeqLensK, int maxSeqLenQ, int maxSeqLenK, int heads, int kvHeads);

    public override string ToString() => Name;

    public static SequenceSpecUnderTest[] All { get; } =
    {
        new(nameof(CausalWindow5), CausalWindow5.HeadDim, CausalWindow5.Window, new(CausalWindow5.SoftmaxScale), false, CausalWindow5.ForwardSequences,
            (stream, q, k, v, s, o, l, cq, ck, mq, mk, h, kv) => CausalWindow5.ForwardVarlen(stream, q, k, v, o, l, cq, ck, mq, mk, h, kv)),
        new(nameof(SymmetricTopLeft), SymmetricTopLeft.HeadDim, SymmetricTopLeft.Window, new(SymmetricTopLeft.SoftmaxScale), false, SymmetricTopLeft.ForwardSequences,
            (stream, q, k, v, s, o, l, cq, ck, mq, mk, h, kv) => SymmetricTopLeft.ForwardVarlen(stream, q, k, v, o, l, cq, ck, mq, mk, h, kv)),
        new(nameof(SoftCapWithSinks), SoftCapWithSinks.HeadDim, SoftCapWithSinks.Window, new(SoftCapWithSinks.SoftmaxScale, SoftCapWithSinks.LogitSoftCap), true,
            SoftCapWithSinks.ForwardSequences,
            (stream, q, k, v, s, o, l, cq, ck, mq, mk, h, kv) => SoftCapWithSinks.ForwardVarlen(stream, q, k, v, s, o, l, cq, ck, mq, mk, h, kv)),
        new(nameof(LookAhead), LookAhead.HeadDim, LookAhead.Window, new(LookAhead.SoftmaxScale), false, LookAhead.ForwardSequences,
            (stream, q, k, v, s, o, l, cq, ck, mq, mk, h, kv) => LookAhead.ForwardVarlen(stream, q, k, v, o, l, cq, ck, mq, mk, h, kv)),
        new(nameof(SplitDecodeSinks), SplitDecodeSinks.HeadDim, SplitDecodeSinks.Window, new(SplitDecodeSinks.SoftmaxScale, SplitDecodeSinks.LogitSoftCap), true,
            SplitDecodeSinks.ForwardSequences,
            (stream, q, k, v, s, o, l, cq, ck, mq, mk, h, kv) => SplitDecodeSinks.ForwardVarlen(stream, q, k, v, s, o, l, cq, ck, mq, mk, h, kv)),
        new(nameof(SplitDecodeWindow), SplitDecodeWindow.HeadDim, SplitDecodeWindow.Window, new(SplitDecodeWindow.SoftmaxScale), false,
            SplitDecodeWindow.ForwardSequences,
            (stream, q, k, v, s, o, l, cq, ck, mq, mk, h, kv) => SplitDecodeWindow.ForwardVarlen(stream, q, k, v, o, l, cq, ck, mq, mk, h, kv)),
    };

    public static SequenceSpecUnderTest Named(string name) => All.Single(spec => spec.Name == name);

    /// <summary>The fp64 reference for this spec on <paramref name="sequences"/>: see <see cref="SequenceHistory.Reference"/>.</summary>
    public (double[] Output, double[] LogSumExp) Reference(IReadOnlyList<SequenceHistory> sequences, int heads, int kvHeads, float[] sinks) =>
        SequenceHistory.Reference(sequences, heads, kvHeads, HeadDim, Window, Options, sinks);
}

/// <summary>One sequence's queries and its full key history, dense: <c>q</c> <c>[queries, heads, HeadDim]</c>, <c>k</c> and <c>v</c> <c>[keys, kvHeads, HeadDim]</c>.</summary>
public sealed record SequenceHistory(int Queries, int Keys, float[] Q, float[] K, float[] V)
{
    /// <summary>
    /// The fp64 reference for sequences given by their full histories, packed as the kernels write them: output
    /// <c>[tokens, heads, HeadDim]</c>, log-sum-exp <c>[heads, tokens]</c>. A sequence without keys gives zeros and the sink
    /// logit (or -inf without sinks) as its log-sum-exp.
    /// </summary>
    public static (double[] Output, double[] LogSumExp) Reference(
        IReadOnlyList<SequenceHistory> sequences, int heads, int kvHeads, int headDim, AttentionWindow window, ReferenceAttention.Options options, float[] sinks)
    {
        var tokens = sequences.Sum(sequence => sequence.Queries);
        var output = new double[tokens * heads * headDim];
        var logSumExp = new double[heads * tokens];
        var start = 0;
        foreach (var sequence in sequences)
        {
            if (sequence.Queries > 0 && sequence.Keys > 0)
            {
                var shape = new AttentionShape(1, sequence.Queries, sequence.Keys, heads, kvHeads);
                var expected = ReferenceAttention.Compute(sequence.Q, sequence.K, sequence.V, shape, headDim, window, options, sinks);
                expected.Output.CopyTo(output, start * heads * headDim);
                for (var head = 0; head < heads; head++)
                {
                    Array.Copy(expected.LogSumExp, head * sequence.Queries, logSumExp, (head * tokens) + start, sequence.Queries);
                }
            }
            else
            {
                for (var head = 0; head < heads; head++)
                {
                    for (var query = 0; query < sequence.Queries; query++)
                    {
                        logSumExp[(head * tokens) + start + query] = sinks.Length > 0 ? sinks[head] : double.NegativeInfinity;
                    }
                }
            }

            start += sequence.Queries;
        }

        return (output, logSumExp);
    }

    /// <summary>Uniform values in [-2, 2) from <paramref name="random"/>.</summary>
    public static SequenceHistory Random(int queries, int keys, int heads, int kvHeads, int headDim, Random random) =>
        new(queries, keys, Fill(queries * heads * headDim, random), Fill(keys * kvHeads * headDim, random), Fill(keys * kvHeads * headDim, random));

    public static float[] Fill(int length, Random random) => Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
}
