using System;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>
/// How far a 16-bit kernel's output may be from the fp64 reference computed on the same (rounded) inputs, for both
/// kernels. Inputs widen exactly and every step after them is fp32, so the output is the fp32 result <c>y</c> rounded once
/// to nearest even. <c>|round(y) - y|</c> is at most half an ulp: relative <see cref="UnitRoundoff"/>, 2^-11 for fp16 (10
/// stored mantissa bits) and 2^-8 for bf16 (7), and in fp16's subnormal range (below 2^-14, spacing 2^-24) at most 2^-25
/// absolute; bf16 has fp32's exponent range, so its subnormals lie far below any output here. <c>|y - expected|</c> is
/// the fp32 kernel's own error, <see cref="Fp32Error"/>. So <c>|round(y) - expected| &lt;= u (|expected| + e) + e</c>
/// (+ 2^-25 for fp16).
/// </summary>
internal static class ElementTolerance
{
    /// <summary>The fp32 kernels' error before rounding: the bound their fp32 tests use (measured below 1e-6 on these inputs).</summary>
    public const double Fp32Error = 1e-5;

    /// <summary>Half an ulp relative to the value: the most one rounding to nearest changes a normal number.</summary>
    public static double UnitRoundoff(AttentionElement element) => element switch
    {
        AttentionElement.Float16 => Math.Pow(2, -11),
        AttentionElement.BFloat16 => Math.Pow(2, -8),
        _ => 0,
    };

    /// <summary>The largest <c>|actual - expected|</c> allowed for an output element.</summary>
    public static double Bound(AttentionElement element, double expected) =>
        (UnitRoundoff(element) * (Math.Abs(expected) + Fp32Error)) + Fp32Error
        + (element == AttentionElement.Float16 ? Math.Pow(2, -25) : 0);

    /// <summary>Asserts that every element is within <see cref="Bound"/>, and logs the errors; returns the worst fraction of the bound.</summary>
    public static double Check(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, AttentionElement element, ITestOutputHelper log, string what)
    {
        var (worst, error) = Measure(actual, expected, element);
        log.WriteLine($"{what}: {error}; worst error is {worst:0.00} of the tolerance");
        Assert.True(worst <= 1, $"{what}: worst error {worst:0.00} of the tolerance ({error})");
        return worst;
    }

    /// <summary>
    /// The worst error as a fraction of <see cref="Bound"/> (at most 1 passes; infinite where one side is non-finite and the
    /// other is not the same value), with the plain absolute and relative errors for the log.
    /// </summary>
    public static (double OfBound, ErrorReport Error) Measure(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, AttentionElement element)
    {
        double worst = 0;
        for (var index = 0; index < actual.Length; index++)
        {
            var difference = ((double)actual[index]).Equals(expected[index]) ? 0
                : double.IsFinite(actual[index]) && double.IsFinite(expected[index]) ? Math.Abs(actual[index] - expected[index])
                : double.PositiveInfinity;
            worst = Math.Max(worst, difference / Bound(element, expected[index]));
        }

        return (worst, ErrorReport.Compare(actual, expected));
    }
}
