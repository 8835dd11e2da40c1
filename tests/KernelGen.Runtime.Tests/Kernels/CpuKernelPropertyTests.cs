using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>
/// The CPU kernel against the fp64 reference on thousands of random calls: windows bounded and unbounded on either
/// side (negative bounds too), both alignments, SeqQ below, equal to and above SeqK, lengths off the tiles, group
/// sizes, head sizes 16 to 256, soft cap and sinks, with the log-sum-exp.
/// </summary>
public sealed class CpuKernelPropertyTests
{
    private const int Cases = 2000;

    private readonly ITestOutputHelper _log;

    public CpuKernelPropertyTests(ITestOutputHelper log) => _log = log;

    /// <summary>A spec's constants with its runtime-window CPU kernel.</summary>
    private sealed record Constants(string Name, int HeadDim, double Scale, double SoftCap, bool HasSinks, RuntimeWindowForward Forward);

    private delegate void RuntimeWindowForward(float[] q, float[] k, float[] v, float[] sinks, float[] output, float[] logSumExp, AttentionWindow window, AttentionShape shape);

    private static readonly Constants[] Specs =
    {
        new(nameof(PropertyHead16), 16, PropertyHead16.SoftmaxScale, 0, false, (q, k, v, s, o, l, w, shape) => PropertyHead16.ForwardCpuWithRuntimeWindow(q, k, v, o, l, w, shape)),
        new(nameof(PropertyHead48), 48, PropertyHead48.SoftmaxScale, 0, false, (q, k, v, s, o, l, w, shape) => PropertyHead48.ForwardCpuWithRuntimeWindow(q, k, v, o, l, w, shape)),
        new(nameof(PropertyHead64), 64, PropertyHead64.SoftmaxScale, 0, false, (q, k, v, s, o, l, w, shape) => PropertyHead64.ForwardCpuWithRuntimeWindow(q, k, v, o, l, w, shape)),
        new(nameof(PropertyHead80), 80, PropertyHead80.SoftmaxScale, 0, false, (q, k, v, s, o, l, w, shape) => PropertyHead80.ForwardCpuWithRuntimeWindow(q, k, v, o, l, w, shape)),
        new(nameof(PropertyHead128), 128, PropertyHead128.SoftmaxScale, 0, false, (q, k, v, s, o, l, w, shape) => PropertyHead128.ForwardCpuWithRuntimeWindow(q, k, v, o, l, w, shape)),
        new(nameof(PropertyHead176), 176, PropertyHead176.SoftmaxScale, 0, false, (q, k, v, s, o, l, w, shape) => PropertyHead176.ForwardCpuWithRuntimeWindow(q, k, v, o, l, w, shape)),
        new(nameof(PropertyHead256), 256, PropertyHead256.SoftmaxScale, 0, false, (q, k, v, s, o, l, w, shape) => PropertyHead256.ForwardCpuWithRuntimeWindow(q, k, v, o, l, w, shape)),
        new(nameof(PropertySoftCapSinks32), 32, PropertySoftCapSinks32.SoftmaxScale, PropertySoftCapSinks32.LogitSoftCap, true, (q, k, v, s, o, l, w, shape) => PropertySoftCapSinks32.ForwardCpuWithRuntimeWindow(q, k, v, s, o, l, w, shape)),
        new(nameof(PropertySoftCapSinks96), 96, PropertySoftCapSinks96.SoftmaxScale, PropertySoftCapSinks96.LogitSoftCap, true, (q, k, v, s, o, l, w, shape) => PropertySoftCapSinks96.ForwardCpuWithRuntimeWindow(q, k, v, s, o, l, w, shape)),
    };

    [Fact]
    public void RandomCallsMatchTheReference()
    {
        var random = new Random(20261129);
        var worstOutput = 0.0;
        var worstLogSumExp = 0.0;
        var seen = new HashSet<string>();
        for (var run = 0; run < Cases; run++)
        {
            var spec = Specs[random.Next(Specs.Length)];
            var window = RandomWindow(random);
            var kvHeads = random.Next(1, 4);
            var group = new[] { 1, 1, 2, 3, 4, 5, 8 }[random.Next(7)];
            var shape = new AttentionShape(random.Next(1, 3), RandomLength(random), RandomLength(random), kvHeads * group, kvHeads);
            var inputs = AttentionInputsForTests.Random(shape, spec.HeadDim, spec.HasSinks, seed: run);
            var output = new float[inputs.Q.Length];
            var logSumExp = new float[shape.LogSumExpElements];
            spec.Forward(inputs.Q, inputs.K, inputs.V, inputs.Sinks, output, logSumExp, window, shape);

            var expected = ReferenceAttention.Compute(inputs.Q, inputs.K, inputs.V, shape, spec.HeadDim, window, new(spec.Scale, spec.SoftCap), inputs.Sinks);
            var outputError = ErrorReport.Compare(output, expected.Output);
            var logSumExpError = ErrorReport.Compare(logSumExp, expected.LogSumExp, relativeFloor: 1);
            var description = $"case {run}: {spec.Name}, {window}, {shape}";
            Assert.True(outputError.MaxAbsolute <= 1e-5, $"{description}: output {outputError}");
            Assert.True(logSumExpError.MaxRelative <= 1e-5, $"{description}: log-sum-exp {logSumExpError}");
            worstOutput = Math.Max(worstOutput, outputError.MaxAbsolute);
            worstLogSumExp = Math.Max(worstLogSumExp, logSumExpError.MaxRelative);
            seen.Add(Kind(window, shape));
        }

        _log.WriteLine($"{Cases} cases; worst output max abs {worstOutput:E2}, worst log-sum-exp rel {worstLogSumExp:E2}; kinds: {string.Join(", ", seen.OrderBy(kind => kind))}");

        // The draw covers every kind of window and length relation (a changed generator must not quietly narrow it).
        Assert.Equal(21, seen.Count);
    }

    private static AttentionWindow RandomWindow(Random random)
    {
        while (true)
        {
            int? Bound() => random.Next(4) == 0 ? null : random.Next(10) == 0 ? -random.Next(1, 3) : random.Next(0, 80);
            var window = new AttentionWindow(Bound(), Bound(), random.Next(2) == 0 ? WindowAlignment.BottomRight : WindowAlignment.TopLeft);
            if (!window.IsEmpty)
            {
                return window;
            }
        }
    }

    // Mostly short, sometimes across several 64-key tiles.
    private static int RandomLength(Random random) => random.Next(3) == 0 ? random.Next(60, 200) : random.Next(1, 40);

    // Which side is bounded, how the lengths compare, and the alignment where a bound makes it matter: 21 kinds.
    private static string Kind(AttentionWindow window, AttentionShape shape) =>
        (window.Left.HasValue ? "L" : "-") + (window.Right.HasValue ? "R" : "-")
        + (shape.SeqQ < shape.SeqK ? " q<k" : shape.SeqQ == shape.SeqK ? " q=k" : " q>k")
        + (window.Left is null && window.Right is null ? string.Empty : window.Alignment == WindowAlignment.BottomRight ? " bottom-right" : " top-left");
}
