using System;
using System.Linq;
using Xunit;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>The CPU kernel's API: the same validation as <c>Forward</c>, empty rows, threads, baked and runtime windows.</summary>
public sealed class CpuKernelBehaviourTests
{
    [Theory]
    [InlineData(0, 4, 4, 1, 1, "Batch must be at least 1, but is 0")]
    [InlineData(1, -3, 4, 1, 1, "SeqQ must be at least 1, but is -3")]
    [InlineData(1, 4, 4, 3, 2, "Heads (3) must be a multiple of KvHeads (2)")]
    public void BadShapesThrowBeforeAnyWork(int batch, int seqQ, int seqK, int heads, int kvHeads, string message)
    {
        var buffer = new float[64];
        var error = Assert.Throws<ArgumentException>(() => CausalWindow5.ForwardCpu(buffer, buffer, buffer, buffer, new AttentionShape(batch, seqQ, seqK, heads, kvHeads)));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void WrongBufferLengthsNameExpectedAndActual()
    {
        var shape = new AttentionShape(2, 3, 5, 4, 2);
        var q = new float[shape.QueryElements(32)];
        var kv = new float[shape.KeyElements(32)];
        var error = Assert.Throws<ArgumentException>(() => CausalWindow5.ForwardCpu(q, kv, new float[kv.Length - 1], new float[q.Length], shape));
        Assert.Equal("v", error.ParamName);
        Assert.Contains($"v has {kv.Length - 1} elements but the shape needs {kv.Length}", error.Message);

        error = Assert.Throws<ArgumentException>(() => CausalWindow5.ForwardCpu(q, kv, kv, new float[q.Length], new float[5], shape));
        Assert.Contains("logSumExp has 5 elements but the shape needs 24", error.Message);

        error = Assert.Throws<ArgumentException>(() => SoftCapWithSinks.ForwardCpu(new float[shape.QueryElements(48)], new float[shape.KeyElements(48)], new float[shape.KeyElements(48)], new float[3], new float[shape.QueryElements(48)], shape));
        Assert.Contains("sinkLogits has 3 elements but the shape needs 4 (one sink logit per head)", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void ThreadCountsBelowOneAreRefused(int threads)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new CpuAttentionOptions { MaxDegreeOfParallelism = threads });
        Assert.Contains("-1 for all cores", error.Message);
    }

    [Fact]
    public void RowsThatSeeNoKeyWriteZerosAndMinusInfinity()
    {
        // Bottom-right causal with SeqQ > SeqK: the first SeqQ - SeqK queries see nothing.
        var shape = new AttentionShape(1, 12, 4, 1, 1);
        var spec = SpecUnderTest.All.Single(s => s.Name == nameof(CausalUnbounded));
        var (_, logSumExpError, output, expected) = spec.Compare(spec.OnCpu(), shape, seed: 7);
        Assert.DoesNotContain(output, float.IsNaN);
        Assert.All(output.Take(8 * spec.HeadDim), value => Assert.Equal(0f, value));
        Assert.True(logSumExpError.MaxAbsolute == 0 || logSumExpError.MaxRelative <= 1e-5, $"{logSumExpError}");
        Assert.All(expected.LogSumExp.Take(8), value => Assert.Equal(double.NegativeInfinity, value));

        // With a sink the row's log-sum-exp is the sink logit itself, and its output is still zero.
        var sinks = SpecUnderTest.All.Single(s => s.Name == nameof(SoftCapWithSinks));
        var (outputError, sinkLogSumExpError, sinkOutput, _) = sinks.Compare(sinks.OnCpu(), shape, seed: 7);
        Assert.True(outputError.MaxAbsolute <= 1e-5 && sinkLogSumExpError.MaxRelative <= 1e-5, $"{outputError}; {sinkLogSumExpError}");
        Assert.All(sinkOutput.Take(8 * sinks.HeadDim), value => Assert.Equal(0f, value));
    }

    [Fact]
    public void OutputIsBitIdenticalWhateverTheThreadCount()
    {
        var shape = new AttentionShape(2, 130, 170, 8, 2);
        foreach (var spec in new[] { SpecUnderTest.All.Single(s => s.Name == nameof(SoftCapWithSinks)), SpecUnderTest.DefaultTiles[0] })
        {
            var inputs = AttentionInputsForTests.Random(shape, spec.HeadDim, spec.HasSinks, seed: 9);
            (float[] Output, float[] LogSumExp) Run(int threads)
            {
                var output = new float[inputs.Q.Length];
                var logSumExp = new float[shape.LogSumExpElements];
                spec.Cpu(inputs.Q, inputs.K, inputs.V, inputs.Sinks, output, logSumExp, shape, new CpuAttentionOptions { MaxDegreeOfParallelism = threads });
                return (output, logSumExp);
            }

            var single = Run(1);
            foreach (var threads in new[] { 2, 8 })
            {
                var many = Run(threads);
                Assert.True(single.Output.AsSpan().SequenceEqual(many.Output), $"{spec}: output differs between 1 and {threads} threads");
                Assert.True(single.LogSumExp.AsSpan().SequenceEqual(many.LogSumExp), $"{spec}: log-sum-exp differs between 1 and {threads} threads");
            }
        }
    }

    [Theory]
    [InlineData(2, 1, WindowAlignment.TopLeft)]
    [InlineData(null, 0, WindowAlignment.BottomRight)]
    [InlineData(6, null, WindowAlignment.BottomRight)]
    [InlineData(70, 3, WindowAlignment.TopLeft)]
    public void RuntimeWindowMatchesReference(int? left, int? right, WindowAlignment alignment)
    {
        var window = new AttentionWindow(left, right, alignment);
        var shape = new AttentionShape(1, 113, 180, 2, 1);
        var inputs = AttentionInputsForTests.Random(shape, CausalWindow5.HeadDim, hasSinks: false, seed: 11);
        var output = new float[inputs.Q.Length];
        CausalWindow5.ForwardCpuWithRuntimeWindow(inputs.Q, inputs.K, inputs.V, output, window, shape);
        var expected = ReferenceAttention.Compute(inputs.Q, inputs.K, inputs.V, shape, CausalWindow5.HeadDim, window, new(CausalWindow5.SoftmaxScale));
        var error = ErrorReport.Compare(output, expected.Output);
        Assert.True(error.MaxAbsolute <= 1e-5, $"{window}: {error}");
    }

    [Fact]
    public void BakedAndRuntimeWindowsGiveTheSameBits()
    {
        var shape = new AttentionShape(1, 150, 150, 4, 2);
        var inputs = AttentionInputsForTests.Random(shape, DefaultTiles128.HeadDim, hasSinks: false, seed: 4);
        var baked = new float[inputs.Q.Length];
        var runtime = new float[inputs.Q.Length];
        DefaultTiles128.ForwardCpu(inputs.Q, inputs.K, inputs.V, baked, shape);
        DefaultTiles128.ForwardCpuWithRuntimeWindow(inputs.Q, inputs.K, inputs.V, runtime, DefaultTiles128.Window, shape);
        Assert.True(baked.AsSpan().SequenceEqual(runtime));
    }
}
