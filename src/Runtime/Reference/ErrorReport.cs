using System;

namespace KernelGen;

/// <summary>How far a result is from a reference: the largest absolute and relative differences.</summary>
/// <param name="MaxAbsolute">The largest <c>|actual - expected|</c>; infinite when one side is NaN or the infinities differ.</param>
/// <param name="MaxRelative">The largest <c>|actual - expected| / max(|expected|, floor)</c>.</param>
/// <param name="WorstIndex">Where the largest absolute difference is, or -1 for empty inputs.</param>
public readonly record struct ErrorReport(double MaxAbsolute, double MaxRelative, long WorstIndex)
{
    /// <summary>Compares <paramref name="actual"/> with <paramref name="expected"/> element by element.</summary>
    /// <param name="actual">The values under test.</param>
    /// <param name="expected">The reference values.</param>
    /// <param name="relativeFloor">The smallest magnitude divided by, so that near-zero references do not blow up.</param>
    public static ErrorReport Compare(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, double relativeFloor = 1e-6)
    {
        if (actual.Length != expected.Length)
        {
            throw new ArgumentException($"actual has {actual.Length} elements but expected has {expected.Length}.", nameof(actual));
        }

        double maxAbsolute = 0, maxRelative = 0;
        long worst = actual.IsEmpty ? -1 : 0;
        for (var index = 0; index < actual.Length; index++)
        {
            var a = (double)actual[index];
            var e = expected[index];
            var absolute = a.Equals(e) ? 0 : double.IsNaN(a) || double.IsNaN(e) || double.IsInfinity(a) || double.IsInfinity(e)
                ? double.PositiveInfinity
                : Math.Abs(a - e);
            if (absolute > maxAbsolute)
            {
                maxAbsolute = absolute;
                worst = index;
            }

            // Equal values differ by nothing relatively either, NaN and infinities included (|NaN| would make the ratio NaN).
            maxRelative = Math.Max(maxRelative, absolute == 0 ? 0 : absolute / Math.Max(Math.Abs(e), relativeFloor));
        }

        return new ErrorReport(maxAbsolute, maxRelative, worst);
    }

    /// <inheritdoc/>
    public override string ToString() => $"max abs {MaxAbsolute:E2} (at {WorstIndex}), max rel {MaxRelative:E2}";
}
