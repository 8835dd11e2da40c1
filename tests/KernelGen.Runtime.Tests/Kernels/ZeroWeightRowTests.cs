using System;
using System.Linq;
using Xunit;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>
/// Rows whose weights all vanish, in both kernels: a row that sees keys whose scores are all -inf (an infinity in q or
/// k) is 0/0 and must come out NaN, not pass for a row that saw nothing; a sink logit of +inf takes all the weight.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class ZeroWeightRowTests
{
    private readonly AcceleratorFixture _fixture;

    public ZeroWeightRowTests(AcceleratorFixture fixture) => _fixture = fixture;

    [Theory]
    [InlineData("ilgpu")]
    [InlineData("cpu")]
    public void RowWhoseVisibleScoresAreAllMinusInfinityIsNaN(string kernel)
    {
        // Causal, SeqQ > SeqK: queries 0 and 1 see no key; query 2 sees key 0 only, whose score is -inf.
        var spec = SpecUnderTest.All.Single(s => s.Name == nameof(CausalUnbounded));
        var shape = new AttentionShape(1, 4, 2, 1, 1);
        var inputs = AttentionInputsForTests.Random(shape, spec.HeadDim, spec.HasSinks, seed: 5);
        Array.Fill(inputs.Q, 0f, 2 * spec.HeadDim, spec.HeadDim);
        inputs.Q[2 * spec.HeadDim] = float.PositiveInfinity;
        inputs.K[0] = -1f;

        var output = new float[inputs.Q.Length];
        var logSumExp = new float[shape.LogSumExpElements];
        spec.On(kernel, _fixture.Accelerator)(inputs.Q, inputs.K, inputs.V, inputs.Sinks, output, logSumExp, shape);

        Assert.All(output.Take(2 * spec.HeadDim), value => Assert.Equal(0f, value));
        Assert.Equal(new[] { float.NegativeInfinity, float.NegativeInfinity }, logSumExp.Take(2));
        Assert.All(output.Skip(2 * spec.HeadDim).Take(spec.HeadDim), value => Assert.True(float.IsNaN(value), $"{value} instead of NaN"));
        Assert.True(float.IsNaN(logSumExp[2]), $"log-sum-exp {logSumExp[2]} instead of NaN");
        Assert.All(output.Skip(3 * spec.HeadDim), value => Assert.True(float.IsFinite(value)));
    }

    [Theory]
    [InlineData("ilgpu")]
    [InlineData("cpu")]
    public void AnInfiniteSinkTakesAllTheWeight(string kernel)
    {
        var spec = new SpecUnderTest(nameof(IlgpuDecodeTile), IlgpuDecodeTile.HeadDim, IlgpuDecodeTile.Window, new(IlgpuDecodeTile.SoftmaxScale), true,
            (a, q, k, v, s, o, l, shape) => IlgpuDecodeTile.Forward(a, q, k, v, s, o, l, shape),
            (q, k, v, s, o, l, shape, options) => IlgpuDecodeTile.ForwardCpu(q, k, v, s, o, l, shape, options));
        var shape = new AttentionShape(1, 3, 2, 2, 1);
        var inputs = AttentionInputsForTests.Random(shape, spec.HeadDim, spec.HasSinks, seed: 6);
        inputs.Sinks[1] = float.PositiveInfinity;

        var output = new float[inputs.Q.Length];
        var logSumExp = new float[shape.LogSumExpElements];
        spec.On(kernel, _fixture.Accelerator)(inputs.Q, inputs.K, inputs.V, inputs.Sinks, output, logSumExp, shape);

        // Head 1's rows: zero output, log-sum-exp +inf, whether the row sees keys or not; head 0 matches the reference.
        var expected = ReferenceAttention.Compute(inputs.Q, inputs.K, inputs.V, shape, spec.HeadDim, spec.Window, spec.Options, inputs.Sinks);
        for (var query = 0; query < shape.SeqQ; query++)
        {
            var head1 = output.AsSpan(((query * shape.Heads) + 1) * spec.HeadDim, spec.HeadDim).ToArray();
            Assert.All(head1, value => Assert.Equal(0f, value));
            Assert.Equal(float.PositiveInfinity, logSumExp[(1 * shape.SeqQ) + query]);
            var head0 = ErrorReport.Compare(output.AsSpan(query * shape.Heads * spec.HeadDim, spec.HeadDim), expected.Output.AsSpan(query * shape.Heads * spec.HeadDim, spec.HeadDim));
            Assert.True(head0.MaxAbsolute <= 1e-5, $"head 0, query {query}: {head0}");
        }
    }
}
