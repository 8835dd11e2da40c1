using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Algorithms;

namespace KernelGen;

/// <summary>
/// The last step of one softmax row in the ILGPU kernels, shared by the tiled kernel's epilogue and the split-key
/// combine kernel so that both end a row the same way: the sink joins the denominator, and a row with zero weight is
/// told apart from a row that saw nothing.
/// </summary>
/// <remarks>Plain arithmetic on value types only, so ILGPU kernels can call it.</remarks>
public static class SoftmaxRow
{
    /// <summary>
    /// Finishes a row from its running max and its sum of <c>exp(score - max)</c> over the keys it saw.
    /// </summary>
    /// <param name="constants">The spec's score steps (whether it has sinks).</param>
    /// <param name="window">The window, to tell whether the row sees any key.</param>
    /// <param name="sinkLogits">One sink logit per head (read only when the spec has sinks).</param>
    /// <param name="head">The row's query head.</param>
    /// <param name="query">The row's query, within its sequence.</param>
    /// <param name="sequence">The row's sequence.</param>
    /// <param name="runningMax">The largest score the row saw, or -inf.</param>
    /// <param name="sum">The row's weights, relative to <paramref name="runningMax"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FinishedRow Finish<TConstants, TWindow>(
        TConstants constants, TWindow window, ArrayView<float> sinkLogits, int head, long query, SequenceLayout sequence, float runningMax, float sum)
        where TConstants : struct, IKernelConstants
        where TWindow : struct, IWindowBounds
    {
        float outputScale = 1f;
        if (constants.HasSinks)
        {
            // The head's sink logit joins the denominator with no value vector (gpt-oss).
            float sink = sinkLogits[head];
            float withSink = runningMax > sink ? runningMax : sink;
            float sinkShift = withSink == float.NegativeInfinity ? 0f : withSink;

            // A sink of +inf takes all the weight (exp(inf - inf) would be NaN).
            bool infiniteSink = sink == float.PositiveInfinity;
            outputScale = infiniteSink ? 0f : XMath.Exp(runningMax - sinkShift);
            sum = (sum * outputScale) + (infiniteSink ? 1f : XMath.Exp(sink - sinkShift));
            runningMax = withSink;
        }

        // A row that saw no key has a zero sum: it writes zeros, and a log-sum-exp of -inf (or the sink logit). A row that
        // saw keys and still sums to zero (every visible score -inf) is 0/0 and writes NaN. Compared with 0, not "> 0": a
        // NaN that a visible key brought in stays NaN.
        float empty = WindowMask.SeesAnyKey(window, query, sequence.DiagonalOffset, sequence.KeyCount) ? float.NaN : 0f;
        return new FinishedRow(
            sum == 0f ? empty : outputScale / sum,
            sum == 0f ? (empty == 0f ? float.NegativeInfinity : float.NaN) : runningMax + XMath.Log(sum));
    }
}

/// <summary>What a finished softmax row writes.</summary>
public readonly struct FinishedRow
{
    /// <summary>The factor that turns the row's unnormalised output into its output.</summary>
    public readonly float OutputScale;

    /// <summary>The row's natural-log log-sum-exp.</summary>
    public readonly float LogSumExp;

    /// <summary>Creates a finished row.</summary>
    public FinishedRow(float outputScale, float logSumExp)
    {
        OutputScale = outputScale;
        LogSumExp = logSumExp;
    }
}
