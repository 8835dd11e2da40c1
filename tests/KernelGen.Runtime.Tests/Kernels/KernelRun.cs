using System;
using System.Linq;
using ILGPU.Runtime;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>
/// A generated spec as tests see it: its window and options, and both of its kernels, the ILGPU one (on an
/// accelerator) and the CPU one.
/// </summary>
public sealed record SpecUnderTest(
    string Name, int HeadDim, AttentionWindow Window, ReferenceAttention.Options Options, bool HasSinks,
    SpecUnderTest.IlgpuForward Ilgpu, SpecUnderTest.CpuForward Cpu)
{
    /// <summary>A spec's host-memory <c>Forward</c> with the log-sum-exp.</summary>
    public delegate void IlgpuForward(Accelerator accelerator, float[] q, float[] k, float[] v, float[] sinks, float[] output, float[] logSumExp, AttentionShape shape);

    /// <summary>A spec's <c>ForwardCpu</c> with the log-sum-exp.</summary>
    public delegate void CpuForward(float[] q, float[] k, float[] v, float[] sinks, float[] output, float[] logSumExp, AttentionShape shape, CpuAttentionOptions? options);

    /// <summary>One kernel of a spec, ready to run.</summary>
    public delegate void Kernel(float[] q, float[] k, float[] v, float[] sinks, float[] output, float[] logSumExp, AttentionShape shape);

    public override string ToString() => Name;

    public static SpecUnderTest[] All { get; } =
    {
        new(nameof(CausalWindow5), CausalWindow5.HeadDim, CausalWindow5.Window, new(CausalWindow5.SoftmaxScale), false,
            (a, q, k, v, s, o, l, shape) => CausalWindow5.Forward(a, q, k, v, o, l, shape),
            (q, k, v, s, o, l, shape, options) => CausalWindow5.ForwardCpu(q, k, v, o, l, shape, options)),
        new(nameof(Unmasked), Unmasked.HeadDim, Unmasked.Window, new(Unmasked.SoftmaxScale), false,
            (a, q, k, v, s, o, l, shape) => Unmasked.Forward(a, q, k, v, o, l, shape),
            (q, k, v, s, o, l, shape, options) => Unmasked.ForwardCpu(q, k, v, o, l, shape, options)),
        new(nameof(SymmetricTopLeft), SymmetricTopLeft.HeadDim, SymmetricTopLeft.Window, new(SymmetricTopLeft.SoftmaxScale), false,
            (a, q, k, v, s, o, l, shape) => SymmetricTopLeft.Forward(a, q, k, v, o, l, shape),
            (q, k, v, s, o, l, shape, options) => SymmetricTopLeft.ForwardCpu(q, k, v, o, l, shape, options)),
        new(nameof(DiagonalOnly), DiagonalOnly.HeadDim, DiagonalOnly.Window, new(DiagonalOnly.SoftmaxScale), false,
            (a, q, k, v, s, o, l, shape) => DiagonalOnly.Forward(a, q, k, v, o, l, shape),
            (q, k, v, s, o, l, shape, options) => DiagonalOnly.ForwardCpu(q, k, v, o, l, shape, options)),
        new(nameof(CausalUnbounded), CausalUnbounded.HeadDim, CausalUnbounded.Window, new(CausalUnbounded.SoftmaxScale), false,
            (a, q, k, v, s, o, l, shape) => CausalUnbounded.Forward(a, q, k, v, o, l, shape),
            (q, k, v, s, o, l, shape, options) => CausalUnbounded.ForwardCpu(q, k, v, o, l, shape, options)),
        new(nameof(SoftCapWithSinks), SoftCapWithSinks.HeadDim, SoftCapWithSinks.Window, new(SoftCapWithSinks.SoftmaxScale, SoftCapWithSinks.LogitSoftCap), true,
            (a, q, k, v, s, o, l, shape) => SoftCapWithSinks.Forward(a, q, k, v, s, o, l, shape),
            (q, k, v, s, o, l, shape, options) => SoftCapWithSinks.ForwardCpu(q, k, v, s, o, l, shape, options)),
        new(nameof(LookAhead), LookAhead.HeadDim, LookAhead.Window, new(LookAhead.SoftmaxScale), false,
            (a, q, k, v, s, o, l, shape) => LookAhead.Forward(a, q, k, v, o, l, shape),
            (q, k, v, s, o, l, shape, options) => LookAhead.ForwardCpu(q, k, v, o, l, shape, options)),
        new(nameof(ChunkedCausal), ChunkedCausal.HeadDim, ChunkedCausal.Window, new(ChunkedCausal.SoftmaxScale), false,
            (a, q, k, v, s, o, l, shape) => ChunkedCausal.Forward(a, q, k, v, o, l, shape),
            (q, k, v, s, o, l, shape, options) => ChunkedCausal.ForwardCpu(q, k, v, o, l, shape, options)),
        new(nameof(ChunkedWindow), ChunkedWindow.HeadDim, ChunkedWindow.Window, new(ChunkedWindow.SoftmaxScale), false,
            (a, q, k, v, s, o, l, shape) => ChunkedWindow.Forward(a, q, k, v, o, l, shape),
            (q, k, v, s, o, l, shape, options) => ChunkedWindow.ForwardCpu(q, k, v, o, l, shape, options)),
        new(nameof(StreamingSinks), StreamingSinks.HeadDim, StreamingSinks.Window, new(StreamingSinks.SoftmaxScale), false,
            (a, q, k, v, s, o, l, shape) => StreamingSinks.Forward(a, q, k, v, o, l, shape),
            (q, k, v, s, o, l, shape, options) => StreamingSinks.ForwardCpu(q, k, v, o, l, shape, options)),
    };

    /// <summary>The specs with the generator's default tile sizes, one per head size.</summary>
    public static SpecUnderTest[] DefaultTiles { get; } =
    {
        new(nameof(DefaultTiles64), DefaultTiles64.HeadDim, DefaultTiles64.Window, new(DefaultTiles64.SoftmaxScale), false,
            (a, q, k, v, s, o, l, shape) => DefaultTiles64.Forward(a, q, k, v, o, l, shape),
            (q, k, v, s, o, l, shape, options) => DefaultTiles64.ForwardCpu(q, k, v, o, l, shape, options)),
        new(nameof(DefaultTiles96), DefaultTiles96.HeadDim, DefaultTiles96.Window, new(DefaultTiles96.SoftmaxScale), false,
            (a, q, k, v, s, o, l, shape) => DefaultTiles96.Forward(a, q, k, v, o, l, shape),
            (q, k, v, s, o, l, shape, options) => DefaultTiles96.ForwardCpu(q, k, v, o, l, shape, options)),
        new(nameof(DefaultTiles128), DefaultTiles128.HeadDim, DefaultTiles128.Window, new(DefaultTiles128.SoftmaxScale), false,
            (a, q, k, v, s, o, l, shape) => DefaultTiles128.Forward(a, q, k, v, o, l, shape),
            (q, k, v, s, o, l, shape, options) => DefaultTiles128.ForwardCpu(q, k, v, o, l, shape, options)),
        new(nameof(DefaultTiles256), DefaultTiles256.HeadDim, DefaultTiles256.Window, new(DefaultTiles256.SoftmaxScale, DefaultTiles256.LogitSoftCap), true,
            (a, q, k, v, s, o, l, shape) => DefaultTiles256.Forward(a, q, k, v, s, o, l, shape),
            (q, k, v, s, o, l, shape, options) => DefaultTiles256.ForwardCpu(q, k, v, s, o, l, shape, options)),
    };

    /// <summary>The ILGPU kernel on <paramref name="accelerator"/>.</summary>
    public Kernel On(Accelerator accelerator) => (q, k, v, s, o, l, shape) => Ilgpu(accelerator, q, k, v, s, o, l, shape);

    /// <summary>The kernel a test names: <c>"cpu"</c> for the CPU kernel, <c>"ilgpu"</c> for the ILGPU kernel on <paramref name="accelerator"/>.</summary>
    public Kernel On(string kernel, Accelerator accelerator) => kernel == "cpu" ? OnCpu() : On(accelerator);

    /// <summary>The CPU kernel with <paramref name="options"/>.</summary>
    public Kernel OnCpu(CpuAttentionOptions? options = null) => (q, k, v, s, o, l, shape) => Cpu(q, k, v, s, o, l, shape, options);

    /// <summary>Runs the ILGPU kernel and the fp64 reference on the same seeded inputs.</summary>
    public (ErrorReport Output, ErrorReport LogSumExp, float[] Actual, ReferenceAttention.Result Expected) Compare(Accelerator accelerator, AttentionShape shape, int seed) =>
        Compare(On(accelerator), shape, seed);

    /// <summary>Runs <paramref name="kernel"/> and the fp64 reference on the same seeded inputs.</summary>
    public (ErrorReport Output, ErrorReport LogSumExp, float[] Actual, ReferenceAttention.Result Expected) Compare(Kernel kernel, AttentionShape shape, int seed) =>
        Compare(kernel, shape, AttentionInputsForTests.Random(shape, HeadDim, HasSinks, seed));

    /// <summary>Runs <paramref name="kernel"/> and the fp64 reference on <paramref name="inputs"/>.</summary>
    public (ErrorReport Output, ErrorReport LogSumExp, float[] Actual, ReferenceAttention.Result Expected) Compare(Kernel kernel, AttentionShape shape, AttentionInputsForTests inputs)
    {
        var output = new float[inputs.Q.Length];
        var logSumExp = new float[shape.LogSumExpElements];
        kernel(inputs.Q, inputs.K, inputs.V, inputs.Sinks, output, logSumExp, shape);
        var expected = ReferenceAttention.Compute(inputs.Q, inputs.K, inputs.V, shape, HeadDim, Window, Options, inputs.Sinks);
        // A log-sum-exp is a log: relative to at least 1, since its relative error near 0 says nothing.
        return (ErrorReport.Compare(output, expected.Output), ErrorReport.Compare(logSumExp, expected.LogSumExp, relativeFloor: 1), output, expected);
    }
}

/// <summary>Inputs of one call, uniform in [-2, 2) from a seed.</summary>
public sealed record AttentionInputsForTests(float[] Q, float[] K, float[] V, float[] Sinks)
{
    public static AttentionInputsForTests Random(AttentionShape shape, int headDim, bool hasSinks, int seed)
    {
        var random = new Random(seed);
        float[] Fill(long length) => Enumerable.Range(0, (int)length).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        return new(Fill(shape.QueryElements(headDim)), Fill(shape.KeyElements(headDim)), Fill(shape.KeyElements(headDim)),
            hasSinks ? Fill(shape.Heads) : Array.Empty<float>());
    }
}
