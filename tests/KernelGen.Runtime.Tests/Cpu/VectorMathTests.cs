using System;
using System.Numerics;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Runtime.Tests.Cpu;

/// <summary>The CPU kernel's <c>exp</c> and <c>tanh</c>, in ulps against double precision over their whole working range.</summary>
public sealed class VectorMathTests
{
    private readonly ITestOutputHelper _log;

    public VectorMathTests(ITestOutputHelper log) => _log = log;

    [Fact]
    public void ExpIsWithinTwoUlpOnMinus88ToZero()
    {
        // Every 64th float in [-88, 0]: about 17 million points, subnormal results included.
        var worst = WorstUlp(-88f, 0f, stride: 64, VectorMath.Exp, Math.Exp);
        _log.WriteLine($"exp: worst {worst.Ulp:F2} ulp at {worst.At}");
        Assert.True(worst.Ulp <= 2, $"exp is {worst.Ulp} ulp off at {worst.At}");
    }

    [Fact]
    public void TanhIsWithinTwoUlp()
    {
        var worst = WorstUlp(-12f, 12f, stride: 64, VectorMath.Tanh, Math.Tanh);
        _log.WriteLine($"tanh: worst {worst.Ulp:F2} ulp at {worst.At}");
        Assert.True(worst.Ulp <= 2, $"tanh is {worst.Ulp} ulp off at {worst.At}");
    }

    [Fact]
    public void SpecialValues()
    {
        Assert.Equal(0f, Apply(VectorMath.Exp, float.NegativeInfinity));
        Assert.Equal(0f, Apply(VectorMath.Exp, -200f));
        Assert.Equal(1f, Apply(VectorMath.Exp, 0f));
        Assert.True(float.IsNaN(Apply(VectorMath.Exp, float.NaN)));
        Assert.True(float.IsNaN(Apply(VectorMath.Tanh, float.NaN)));
        Assert.Equal(1f, Apply(VectorMath.Tanh, float.PositiveInfinity));
        Assert.Equal(-1f, Apply(VectorMath.Tanh, -1e30f));
        Assert.Equal(0f, Apply(VectorMath.Tanh, 0f));
    }

    private static float Apply(Func<Vector<float>, Vector<float>> function, float value) => function(new Vector<float>(value))[0];

    private static (double Ulp, float At) WorstUlp(float from, float to, int stride, Func<Vector<float>, Vector<float>> function, Func<double, double> exact)
    {
        var lanes = new float[Vector<float>.Count];
        (double Ulp, float At) worst = (0, 0);
        var value = from;
        while (value <= to)
        {
            for (var lane = 0; lane < lanes.Length; lane++)
            {
                lanes[lane] = value;
                value = Step(value, stride);
            }

            var result = function(new Vector<float>(lanes));
            for (var lane = 0; lane < lanes.Length; lane++)
            {
                var expected = exact(lanes[lane]);
                var ulp = Math.Abs(result[lane] - expected) / Ulp(expected);
                if (ulp > worst.Ulp)
                {
                    worst = (ulp, lanes[lane]);
                }
            }
        }

        return worst;
    }

    // The float spacing at the exact value (2^-149 among the subnormals).
    private static double Ulp(double exact)
    {
        var single = (float)Math.Abs(exact);
        return single < float.Epsilon * 2 ? float.Epsilon : MathF.BitIncrement(single) - single;
    }

    private static float Step(float value, int stride)
    {
        for (var step = 0; step < stride; step++)
        {
            value = MathF.BitIncrement(value);
        }

        return value;
    }
}
