using System;
using ILGPU.Runtime;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>A generated spec as tests see it: its window and options, and its host <c>Forward</c>.</summary>
public sealed record SpecUnderTest(
    string Name, int HeadDim, AttentionWindow Window, ReferenceAttention.Options Options, bool HasSinks,
    SpecUnderTest.Runner Run)
{
    public delegate void Runner(Accelerator accelerator, float[] q, float[] k, float[] v, float[] sinks, float[] output, float[] logSumExp, AttentionShape shape);

    public override string ToString() => Name;

    public static SpecUnderTest[] All { get; } =
    {
        new(nameof(CausalWindow5), CausalWindow5.HeadDim, CausalWindow5.Window, new(CausalWindow5.SoftmaxScale), false,
            (a, q, k, v, s, o, l, shape) => CausalWindow5.Forward(a, q, k, v, o, l, shape)),
        new(nameof(Unmasked), Unmasked.HeadDim, Unmasked.Window, new(Unmasked.SoftmaxScale), false,
            (a, q, k, v, s, o, l, shape) => Unmasked.Forward(a, q, k, v, o, l, shape)),
        new(nameof(SymmetricTopLeft), SymmetricTopLeft.HeadDim, SymmetricTopLeft.Window, new(SymmetricTopLeft.SoftmaxScale), false,
            (a, q, k, v, s, o, l, shape) => SymmetricTopLeft.Forward(a, q, k, v, o, l, shape)),
        new(nameof(DiagonalOnly), DiagonalOnly.HeadDim, DiagonalOnly.Window, new(DiagonalOnly.SoftmaxScale), false,
            (a, q, k, v, s, o, l, shape) => DiagonalOnly.Forward(a, q, k, v, o, l, shape)),
        new(nameof(CausalUnbounded), CausalUnbounded.HeadDim, CausalUnbounded.Window, new(CausalUnbounded.SoftmaxScale), false,
            (a, q, k, v, s, o, l, shape) => CausalUnbounded.Forward(a, q, k, v, o, l, shape)),
        new(nameof(SoftCapWithSinks), SoftCapWithSinks.HeadDim, SoftCapWithSinks.Window, new(SoftCapWithSinks.SoftmaxScale, SoftCapWithSinks.LogitSoftCap), true,
            (a, q, k, v, s, o, l, shape) => SoftCapWithSinks.Forward(a, q, k, v, s, o, l, shape)),
        new(nameof(LookAhead), LookAhead.HeadDim, LookAhead.Window, new(LookAhead.SoftmaxScale), false,
            (a, q, k, v, s, o, l, shape) => LookAhead.Forward(a, q, k, v, o, l, shape)),
    };

    /// <summary>Runs the kernel and the fp64 reference on the same seeded inputs.</summary>
    public (ErrorReport Output, ErrorReport LogSumExp, float[] Actual, ReferenceAttention.Result Expected) Compare(Accelerator accelerator, AttentionShape shape, int seed)
    {
        var random = new Random(seed);
        float[] Fill(long length)
        {
            var values = new float[length];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)((random.NextDouble() * 4) - 2);
            }

            return values;
        }

        var q = Fill(shape.QueryElements(HeadDim));
        var k = Fill(shape.KeyElements(HeadDim));
        var v = Fill(shape.KeyElements(HeadDim));
        var sinks = HasSinks ? Fill(shape.Heads) : Array.Empty<float>();
        var output = new float[q.Length];
        var logSumExp = new float[shape.LogSumExpElements];
        Run(accelerator, q, k, v, sinks, output, logSumExp, shape);
        var expected = ReferenceAttention.Compute(q, k, v, shape, HeadDim, Window, Options, sinks);
        return (ErrorReport.Compare(output, expected.Output), ErrorReport.Compare(logSumExp, expected.LogSumExp), output, expected);
    }
}
