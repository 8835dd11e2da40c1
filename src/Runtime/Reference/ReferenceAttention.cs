using System;
using System.Linq;

namespace KernelGen;

/// <summary>
/// Unfused attention in fp64 with KernelGen's semantics and layout: the yardstick the kernels are tested
/// against. It computes every score of every visible key directly from <see cref="AttentionWindow.VisibleKeys"/>.
/// </summary>
public static class ReferenceAttention
{
    /// <summary>The output (<c>[batch, seqQ, heads, headDim]</c>) and natural-log log-sum-exp (<c>[batch, heads, seqQ]</c>).</summary>
    public sealed record Result(double[] Output, double[] LogSumExp);

    /// <summary>Score options, as in the kernel spec.</summary>
    /// <param name="SoftmaxScale">The factor applied to <c>q·k</c>.</param>
    /// <param name="LogitSoftCap">The soft cap <c>c</c> (<c>c * tanh(score / c)</c>), or 0 for none.</param>
    public readonly record struct Options(double SoftmaxScale, double LogitSoftCap = 0);

    /// <summary>
    /// Computes attention. A query that sees no key outputs zeros; its log-sum-exp is minus infinity, or the
    /// sink logit when <paramref name="sinkLogits"/> (one per head) is given.
    /// </summary>
    public static Result Compute(
        ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value, AttentionShape shape, int headDim,
        AttentionWindow window, Options options, ReadOnlySpan<float> sinkLogits = default)
    {
        // The same checks and messages as the kernels' (the reference allocates its own output).
        var hasSinks = !sinkLogits.IsEmpty;
        AttentionInputs.Validate(query.Length, key.Length, value.Length, sinkLogits.Length, shape.QueryElements(headDim), 0,
            shape, headDim, hasSinks, writesLogSumExp: false);

        var output = new double[query.Length];
        var logSumExp = new double[shape.LogSumExpElements];
        var geometry = SequenceGeometry.Dense(shape, headDim, writesLogSumExp: true);
        var diagonalOffset = window.DiagonalOffset(shape.SeqQ, shape.SeqK);
        var scores = new double[shape.SeqK];
        for (var batch = 0; batch < shape.Batch; batch++)
        for (var head = 0; head < shape.Heads; head++)
        for (var row = 0; row < shape.SeqQ; row++)
        {
            var sequence = geometry.DenseSequence(batch, diagonalOffset);
            var kvHead = head / geometry.HeadsPerKvHead;
            var queryRow = geometry.QueryRow(sequence, row, head);
            // The row's sink keys, then its band: two disjoint ranges (the sink range is empty without sink tokens).
            var sinkKeys = window.SinkKeys(row, shape.SeqQ, shape.SeqK);
            var bandKeys = window.VisibleKeys(row, shape.SeqQ, shape.SeqK);
            var keys = Enumerable.Range(sinkKeys.Start, sinkKeys.Count).Concat(Enumerable.Range(bandKeys.Start, bandKeys.Count)).ToArray();
            var max = hasSinks ? sinkLogits[head] : double.NegativeInfinity;
            if (double.IsPositiveInfinity(max))
            {
                // A sink of +inf takes all the weight: zero output, log-sum-exp +inf.
                logSumExp[geometry.LogSumExpIndex(sequence, head, row)] = double.PositiveInfinity;
                continue;
            }

            foreach (var column in keys)
            {
                var keyRow = geometry.KeyRow(sequence, column, kvHead);
                double dot = 0;
                for (var dim = 0; dim < headDim; dim++)
                {
                    dot += (double)query[(int)(queryRow + dim)] * key[(int)(keyRow + dim)];
                }

                var score = dot * options.SoftmaxScale;
                if (options.LogitSoftCap > 0)
                {
                    score = options.LogitSoftCap * Math.Tanh(score / options.LogitSoftCap);
                }

                scores[column] = score;
                max = Math.Max(max, score);
            }

            // Shift by 0 while nothing is finite, so that a -inf sink or score weighs exactly 0 rather than exp(-inf + inf).
            var shift = double.IsNegativeInfinity(max) ? 0 : max;
            double sum = hasSinks ? Math.Exp(sinkLogits[head] - shift) : 0;
            foreach (var column in keys)
            {
                var weight = Math.Exp(scores[column] - shift);
                sum += weight;
                var valueRow = geometry.KeyRow(sequence, column, kvHead);
                for (var dim = 0; dim < headDim; dim++)
                {
                    output[queryRow + dim] += weight * value[(int)(valueRow + dim)];
                }
            }

            // A row that sees no key sums to 0: zeros and -inf. One that sees keys and still sums to 0 (every score -inf)
            // is 0/0: NaN. A NaN it sees stays NaN.
            var index = geometry.LogSumExpIndex(sequence, head, row);
            if (sum == 0)
            {
                var empty = keys.Length == 0 ? 0 : double.NaN;
                for (var dim = 0; dim < headDim; dim++)
                {
                    output[queryRow + dim] = empty;
                }

                logSumExp[index] = keys.Length == 0 ? double.NegativeInfinity : double.NaN;
                continue;
            }

            for (var dim = 0; dim < headDim; dim++)
            {
                output[queryRow + dim] /= sum;
            }

            logSumExp[index] = shift + Math.Log(sum);
        }

        return new Result(output, logSumExp);
    }
}
