using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using ILGPU;
using ILGPU.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Runtime.Tests.Kernels;

// Adversarial specs: odd tile sizes, head sizes 16, 48, 80, 96, one-row and one-key tiles, sinks, soft cap.

/// <summary>One query row and one key per tile: every key tile is its own edge, 2 threads per group.</summary>
[AttentionKernel(HeadDim = 16, QueryTileSize = 1, KeyTileSize = 1)]
[SlidingWindow(Left = 2, Right = 1, Inclusive = true)]
public static partial class AdvQ1K1H16;

/// <summary>5 x 6 tiles (1 x 2 blocks, 2 splits), top-left look-ahead window.</summary>
[AttentionKernel(HeadDim = 48, QueryTileSize = 5, KeyTileSize = 6)]
[SlidingWindow(Left = 4, Right = 1, Inclusive = true, Alignment = WindowAlignment.TopLeft)]
public static partial class AdvQ5K6H48;

/// <summary>12 x 24 tiles, head size 80 (5 splits), causal window with sinks and a soft cap.</summary>
[AttentionKernel(HeadDim = 80, QueryTileSize = 12, KeyTileSize = 24, Causal = true, Sinks = true, LogitSoftCap = 30)]
[SlidingWindow(Left = 13, Inclusive = true)]
public static partial class AdvQ12K24H80;

/// <summary>3 x 24 tiles, head size 96.</summary>
[AttentionKernel(HeadDim = 96, QueryTileSize = 3, KeyTileSize = 24)]
[SlidingWindow(Left = 7, Right = 3, Inclusive = true)]
public static partial class AdvQ3K24H96;

/// <summary>
/// Attacks on the ILGPU kernel (CPU simulator) against the fp64 reference: sizes around the tiles, SeqQ != SeqK both ways,
/// empty rows, GQA 3 and 5, poison in a neighbouring batch, large soft-capped scores, runtime windows unlike the baked
/// one (negative, empty, huge), sub-views of larger buffers, and many calls on two streams.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class IlgpuKernelAdversarialTests
{
    private readonly AcceleratorFixture _fixture;
    private readonly ITestOutputHelper _log;

    public IlgpuKernelAdversarialTests(AcceleratorFixture fixture, ITestOutputHelper log)
    {
        _fixture = fixture;
        _log = log;
    }

    private Accelerator Accelerator => _fixture.Accelerator;

    private static readonly SpecUnderTest Q1K1 = new(nameof(AdvQ1K1H16), AdvQ1K1H16.HeadDim, AdvQ1K1H16.Window, new(AdvQ1K1H16.SoftmaxScale), false,
        (a, q, k, v, s, o, l, shape) => AdvQ1K1H16.Forward(a, q, k, v, o, l, shape),
        (q, k, v, s, o, l, shape, options) => AdvQ1K1H16.ForwardCpu(q, k, v, o, l, shape, options));

    private static readonly SpecUnderTest Q5K6 = new(nameof(AdvQ5K6H48), AdvQ5K6H48.HeadDim, AdvQ5K6H48.Window, new(AdvQ5K6H48.SoftmaxScale), false,
        (a, q, k, v, s, o, l, shape) => AdvQ5K6H48.Forward(a, q, k, v, o, l, shape),
        (q, k, v, s, o, l, shape, options) => AdvQ5K6H48.ForwardCpu(q, k, v, o, l, shape, options));

    private static readonly SpecUnderTest Q12K24 = new(nameof(AdvQ12K24H80), AdvQ12K24H80.HeadDim, AdvQ12K24H80.Window,
        new(AdvQ12K24H80.SoftmaxScale, AdvQ12K24H80.LogitSoftCap), true,
        (a, q, k, v, s, o, l, shape) => AdvQ12K24H80.Forward(a, q, k, v, s, o, l, shape),
        (q, k, v, s, o, l, shape, options) => AdvQ12K24H80.ForwardCpu(q, k, v, s, o, l, shape, options));

    private static readonly SpecUnderTest Q3K24 = new(nameof(AdvQ3K24H96), AdvQ3K24H96.HeadDim, AdvQ3K24H96.Window, new(AdvQ3K24H96.SoftmaxScale), false,
        (a, q, k, v, s, o, l, shape) => AdvQ3K24H96.Forward(a, q, k, v, o, l, shape),
        (q, k, v, s, o, l, shape, options) => AdvQ3K24H96.ForwardCpu(q, k, v, o, l, shape, options));

    private static readonly SpecUnderTest SoftCapSinks = SpecUnderTest.All.Single(spec => spec.Name == nameof(SoftCapWithSinks));

    private static readonly Dictionary<string, SpecUnderTest> Specs = new[] { Q1K1, Q5K6, Q12K24, Q3K24, SoftCapSinks }.ToDictionary(s => s.Name);

    public static IEnumerable<object[]> TileEdgeCases() => new[]
    {
        // (spec, batch, seqQ, seqK, heads, kvHeads): S = W - 1, W, W + 1 around the tiles, SeqQ != SeqK both ways, GQA 3 and 5.
        new object[] { nameof(AdvQ1K1H16), 1, 3, 5, 3, 1 },
        new object[] { nameof(AdvQ1K1H16), 2, 6, 2, 1, 1 },
        new object[] { nameof(AdvQ5K6H48), 1, 4, 7, 5, 1 },
        new object[] { nameof(AdvQ5K6H48), 1, 6, 5, 1, 1 },
        new object[] { nameof(AdvQ5K6H48), 2, 11, 6, 3, 1 },
        new object[] { nameof(AdvQ12K24H80), 1, 13, 23, 3, 1 },
        new object[] { nameof(AdvQ12K24H80), 1, 25, 11, 1, 1 }, // SeqQ > SeqK bottom-right: the first rows see no key, only the sink
        new object[] { nameof(AdvQ12K24H80), 2, 11, 25, 2, 2 },
        new object[] { nameof(AdvQ3K24H96), 1, 2, 25, 5, 1 },
        new object[] { nameof(AdvQ3K24H96), 1, 26, 4, 1, 1 },   // rows past the last key see none (no sinks): zeros and -inf
        new object[] { nameof(AdvQ3K24H96), 2, 4, 24, 3, 3 },
    };

    [Theory]
    [MemberData(nameof(TileEdgeCases))]
    public void SizesAroundOddTilesMatchTheReference(string spec, int batch, int seqQ, int seqK, int heads, int kvHeads)
    {
        var shape = new AttentionShape(batch, seqQ, seqK, heads, kvHeads);
        var (output, logSumExp, _, _) = Specs[spec].Compare(Accelerator, shape, seed: seqQ * 31 + seqK);
        _log.WriteLine($"{spec} {shape}: output {output}, lse {logSumExp}");
        Assert.True(output.MaxAbsolute <= 1e-5, $"output {output}");
        Assert.True(logSumExp.MaxRelative <= 1e-5, $"lse {logSumExp}");
    }

    [Theory]
    [InlineData(nameof(AdvQ5K6H48), "k")]
    [InlineData(nameof(AdvQ5K6H48), "v")]
    [InlineData(nameof(AdvQ12K24H80), "k")]
    [InlineData(nameof(AdvQ12K24H80), "v")]
    public void PoisonInTheNeighbouringBatchStaysThere(string name, string tensor)
    {
        var spec = Specs[name];
        var shape = new AttentionShape(2, 7, 9, 3, 1);
        var inputs = AttentionInputsForTests.Random(shape, spec.HeadDim, spec.HasSinks, 3);
        var poisoned = tensor == "k" ? inputs.K : inputs.V;
        var half = poisoned.Length / 2;
        for (var i = 0; i < half; i++)
        {
            poisoned[i] = i % 3 == 0 ? float.NaN : i % 3 == 1 ? float.PositiveInfinity : float.NegativeInfinity;
        }

        // Batch 0 is poisoned throughout (its rows that see keys are NaN in both); batch 1 must be untouched. The reference
        // writes -inf as the log-sum-exp of a NaN row (its "sum > 0" test), so only batch 1's log-sum-exp is compared.
        var output = new float[inputs.Q.Length];
        var logSumExp = new float[shape.LogSumExpElements];
        spec.On(Accelerator)(inputs.Q, inputs.K, inputs.V, inputs.Sinks, output, logSumExp, shape);
        var expected = ReferenceAttention.Compute(inputs.Q, inputs.K, inputs.V, shape, spec.HeadDim, spec.Window, spec.Options, inputs.Sinks);
        Assert.All(output.Skip(output.Length / 2), x => Assert.True(float.IsFinite(x)));
        var outputError = ErrorReport.Compare(output, expected.Output);
        var lseError = ErrorReport.Compare(logSumExp.AsSpan(logSumExp.Length / 2), expected.LogSumExp.AsSpan(logSumExp.Length / 2), relativeFloor: 1);
        Assert.True(outputError.MaxAbsolute <= 1e-5, $"output {outputError}");
        Assert.True(lseError.MaxRelative <= 1e-5, $"lse {lseError}");
    }

    [Fact]
    public void LargeSoftCappedScoresStayFinite()
    {
        var spec = SoftCapSinks;
        var shape = new AttentionShape(1, 9, 9, 2, 1);
        var inputs = AttentionInputsForTests.Random(shape, spec.HeadDim, spec.HasSinks, 8);
        for (var i = 0; i < inputs.Q.Length; i++)
        {
            inputs.Q[i] *= 1e3f;
        }

        for (var i = 0; i < inputs.K.Length; i++)
        {
            inputs.K[i] *= 1e3f;
        }

        var (output, logSumExp, actual, _) = spec.Compare(spec.On(Accelerator), shape, inputs);
        _log.WriteLine($"output {output}, lse {logSumExp}");
        Assert.All(actual, x => Assert.True(float.IsFinite(x), $"non-finite output {x}"));
        Assert.True(output.MaxAbsolute <= 1e-4, $"output {output}");
        Assert.True(logSumExp.MaxRelative <= 1e-5, $"lse {logSumExp}");
    }

    public static IEnumerable<object?[]> RuntimeWindows() => new[]
    {
        // (spec, left, right, alignment, seqQ, seqK)
        new object?[] { nameof(AdvQ5K6H48), -1, 3, WindowAlignment.BottomRight, 7, 13 },
        new object?[] { nameof(AdvQ5K6H48), 3, -1, WindowAlignment.TopLeft, 13, 7 },
        new object?[] { nameof(AdvQ5K6H48), -3, 1, WindowAlignment.BottomRight, 11, 11 }, // empty window: zeros
        new object?[] { nameof(AdvQ5K6H48), int.MaxValue, int.MaxValue, WindowAlignment.BottomRight, 6, 13 },
        new object?[] { nameof(AdvQ5K6H48), int.MinValue, null, WindowAlignment.BottomRight, 6, 13 },
        new object?[] { nameof(AdvQ5K6H48), null, int.MinValue, WindowAlignment.TopLeft, 6, 13 },
        new object?[] { nameof(AdvQ5K6H48), 0, 0, WindowAlignment.BottomRight, 12, 5 },
        new object?[] { nameof(AdvQ1K1H16), null, null, WindowAlignment.BottomRight, 3, 7 },
        new object?[] { nameof(AdvQ1K1H16), -2, 2, WindowAlignment.TopLeft, 5, 4 },
        new object?[] { nameof(AdvQ12K24H80), 30, 2, WindowAlignment.BottomRight, 25, 26 },
        new object?[] { nameof(AdvQ12K24H80), -5, 3, WindowAlignment.BottomRight, 13, 13 }, // empty window with sinks
        new object?[] { nameof(AdvQ3K24H96), null, -20, WindowAlignment.BottomRight, 4, 30 },
    };

    [Theory]
    [MemberData(nameof(RuntimeWindows))]
    public void RuntimeWindowsUnlikeTheBakedOneMatchTheReference(string name, int? left, int? right, WindowAlignment alignment, int seqQ, int seqK)
    {
        var spec = Specs[name];
        var window = new AttentionWindow(left, right, alignment);
        var shape = new AttentionShape(1, seqQ, seqK, 2, 1);
        var inputs = AttentionInputsForTests.Random(shape, spec.HeadDim, spec.HasSinks, 17);
        using var q = Accelerator.Allocate1D(inputs.Q);
        using var k = Accelerator.Allocate1D(inputs.K);
        using var v = Accelerator.Allocate1D(inputs.V);
        using var sinks = spec.HasSinks ? Accelerator.Allocate1D(inputs.Sinks) : null;
        using var output = Accelerator.Allocate1D<float>(inputs.Q.Length);
        output.MemSetToZero();
        var stream = Accelerator.DefaultStream;
        switch (name)
        {
            case nameof(AdvQ5K6H48): AdvQ5K6H48.ForwardWithRuntimeWindow(stream, q.View, k.View, v.View, output.View, window, shape); break;
            case nameof(AdvQ1K1H16): AdvQ1K1H16.ForwardWithRuntimeWindow(stream, q.View, k.View, v.View, output.View, window, shape); break;
            case nameof(AdvQ12K24H80): AdvQ12K24H80.ForwardWithRuntimeWindow(stream, q.View, k.View, v.View, sinks!.View, output.View, window, shape); break;
            case nameof(AdvQ3K24H96): AdvQ3K24H96.ForwardWithRuntimeWindow(stream, q.View, k.View, v.View, output.View, window, shape); break;
            default: throw new ArgumentException(name);
        }

        stream.Synchronize();
        var expected = ReferenceAttention.Compute(inputs.Q, inputs.K, inputs.V, shape, spec.HeadDim, window, spec.Options, inputs.Sinks);
        var error = ErrorReport.Compare(output.GetAsArray1D(), expected.Output);
        _log.WriteLine($"{name} {window} {shape}: {error}");
        Assert.True(error.MaxAbsolute <= 1e-5, $"{window}: {error}");
    }

    [Fact]
    public void SubViewsOfLargerPoisonedBuffersMatchTheHostForm()
    {
        var spec = Q12K24;
        var shape = new AttentionShape(2, 13, 14, 2, 1);
        var inputs = AttentionInputsForTests.Random(shape, spec.HeadDim, spec.HasSinks, 21);
        var expectedOutput = new float[inputs.Q.Length];
        var expectedLse = new float[shape.LogSumExpElements];
        AdvQ12K24H80.Forward(Accelerator, inputs.Q, inputs.K, inputs.V, inputs.Sinks, expectedOutput, expectedLse, shape);

        const int Pad = 37;
        MemoryBuffer1D<float, Stride1D.Dense> Padded(float[] data, float fill)
        {
            var host = Enumerable.Repeat(fill, data.Length + (2 * Pad)).ToArray();
            data.CopyTo(host, Pad);
            return Accelerator.Allocate1D(host);
        }

        using var q = Padded(inputs.Q, float.NaN);
        using var k = Padded(inputs.K, float.NaN);
        using var v = Padded(inputs.V, float.PositiveInfinity);
        using var sinks = Padded(inputs.Sinks, float.PositiveInfinity);
        using var output = Padded(new float[inputs.Q.Length], 12345f);
        using var lse = Padded(new float[expectedLse.Length], 12345f);
        using var stream = Accelerator.CreateStream();
        AdvQ12K24H80.Forward(stream, q.View.SubView(Pad, inputs.Q.Length), k.View.SubView(Pad, inputs.K.Length), v.View.SubView(Pad, inputs.V.Length),
            sinks.View.SubView(Pad, inputs.Sinks.Length), output.View.SubView(Pad, inputs.Q.Length), lse.View.SubView(Pad, expectedLse.Length), shape);
        stream.Synchronize();

        var outputHost = output.GetAsArray1D();
        var lseHost = lse.GetAsArray1D();
        Assert.Equal(expectedOutput, outputHost.Skip(Pad).Take(inputs.Q.Length));
        Assert.Equal(expectedLse, lseHost.Skip(Pad).Take(expectedLse.Length));
        Assert.All(outputHost.Take(Pad).Concat(outputHost.Skip(Pad + inputs.Q.Length)), x => Assert.Equal(12345f, x));
        Assert.All(lseHost.Take(Pad).Concat(lseHost.Skip(Pad + expectedLse.Length)), x => Assert.Equal(12345f, x));
    }

    [Fact]
    public void ManyCallsOnTwoStreamsMatchTheHostForm()
    {
        var spec = Q5K6;
        var shapes = new[] { new AttentionShape(1, 6, 7, 3, 1), new AttentionShape(2, 4, 11, 1, 1), new AttentionShape(1, 11, 5, 2, 2) };
        using var first = Accelerator.CreateStream();
        using var second = Accelerator.CreateStream();
        var runs = new List<(float[] Expected, MemoryBuffer1D<float, Stride1D.Dense>[] Buffers)>();
        try
        {
            for (var call = 0; call < 8; call++)
            {
                var shape = shapes[call % shapes.Length];
                var inputs = AttentionInputsForTests.Random(shape, spec.HeadDim, false, 100 + call);
                var expected = new float[inputs.Q.Length];
                AdvQ5K6H48.Forward(Accelerator, inputs.Q, inputs.K, inputs.V, expected, shape);
                var buffers = new[] { Accelerator.Allocate1D(inputs.Q), Accelerator.Allocate1D(inputs.K), Accelerator.Allocate1D(inputs.V), Accelerator.Allocate1D<float>(inputs.Q.Length) };
                AdvQ5K6H48.Forward(call % 2 == 0 ? first : second, buffers[0].View, buffers[1].View, buffers[2].View, buffers[3].View, shape);
                runs.Add((expected, buffers));
            }

            first.Synchronize();
            second.Synchronize();
            foreach (var (expected, buffers) in runs)
            {
                Assert.Equal(expected, buffers[3].GetAsArray1D());
            }
        }
        finally
        {
            foreach (var buffer in runs.SelectMany(r => r.Buffers))
            {
                buffer.Dispose();
            }
        }
    }

    [Theory]
    [InlineData(float.NegativeInfinity)]
    [InlineData(-1e30f)]
    [InlineData(80f)]
    public void ExtremeSinksOnRowsThatSeeNoKey(float sink)
    {
        var spec = Q12K24;
        var shape = new AttentionShape(1, 15, 4, 1, 1); // bottom-right causal: rows 0..10 see no key
        var inputs = AttentionInputsForTests.Random(shape, spec.HeadDim, spec.HasSinks, 4);
        inputs.Sinks[0] = sink;
        var (output, logSumExp, _, expected) = spec.Compare(spec.On(Accelerator), shape, inputs);
        _log.WriteLine($"sink {sink}: output {output}, lse {logSumExp}");
        Assert.True(output.MaxAbsolute <= 1e-5, $"output {output}");
        Assert.True(logSumExp.MaxRelative <= 1e-5, $"lse {logSumExp}");
    }
}
