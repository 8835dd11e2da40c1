using System;

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
        shape.Validate(headDim);
        var hasSinks = !sinkLogits.IsEmpty;
        if (query.Length != shape.QueryElements(headDim) || key.Length != shape.KeyElements(headDim) || value.Length != shape.KeyElements(headDim)
            || (hasSinks && sinkLogits.Length != shape.Heads))
        {
            throw new ArgumentException($"Buffer lengths do not match {shape} with head size {headDim}.");
        }

        var output = new double[query.Length];
        var logSumExp = new double[shape.LogSumExpElements];
        var arguments = new AttentionKernelArguments(shape, window.DiagonalOffset(shape.SeqQ, shape.SeqK), writesLogSumExp: true);
        var scores = new double[shape.SeqK];
        for (var batch = 0; batch < shape.Batch; batch++)
        for (var head = 0; head < shape.Heads; head++)
        for (var row = 0; row < shape.SeqQ; row++)
        {
            var kvHead = head / arguments.HeadsPerKvHead;
            var queryRow = arguments.QueryRow(batch, row, head, headDim);
            var keys = window.VisibleKeys(row, shape.SeqQ, shape.SeqK);
            var max = hasSinks ? sinkLogits[head] : double.NegativeInfinity;
            for (var column = keys.Start; column < keys.End; column++)
            {
                var keyRow = arguments.KeyRow(batch, column, kvHead, headDim);
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

            double sum = hasSinks ? Math.Exp(sinkLogits[head] - max) : 0;
            for (var column = keys.Start; column < keys.End; column++)
            {
                var weight = Math.Exp(scores[column] - max);
                sum += weight;
                var valueRow = arguments.KeyRow(batch, column, kvHead, headDim);
                for (var dim = 0; dim < headDim; dim++)
                {
                    output[queryRow + dim] += weight * value[(int)(valueRow + dim)];
                }
            }

            for (var dim = 0; dim < headDim && sum > 0; dim++)
            {
                output[queryRow + dim] /= sum;
            }

            logSumExp[arguments.LogSumExpIndex(batch, head, row)] = sum > 0 ? max + Math.Log(sum) : double.NegativeInfinity;
        }

        return new Result(output, logSumExp);
    }
}
