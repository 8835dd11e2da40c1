using Xunit;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>How a shape reads in messages: its sizes, and positions as (batch, query, head, dim).</summary>
public sealed class AttentionShapeTests
{
    [Fact]
    public void ReadsAsItsSizesOnly() =>
        Assert.Equal("batch 2, SeqQ 96, SeqK 100, heads 8 / 2 KV", new AttentionShape(2, 96, 100, 8, 2).ToString());

    [Fact]
    public void FlatIndicesMapToTheirPositions()
    {
        var shape = new AttentionShape(2, 3, 5, 4, 2);
        var geometry = SequenceGeometry.Dense(shape, 16, writesLogSumExp: false);
        for (var batch = 0; batch < shape.Batch; batch++)
        for (var query = 0; query < shape.SeqQ; query++)
        for (var head = 0; head < shape.Heads; head++)
        for (var dim = 0; dim < 16; dim++)
        {
            Assert.Equal((batch, query, head, dim), shape.QueryPosition(geometry.QueryRow(geometry.DenseSequence(batch, 0), query, head) + dim, 16));
        }
    }
}
