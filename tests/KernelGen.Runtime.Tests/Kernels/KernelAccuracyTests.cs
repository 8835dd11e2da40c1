using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>Every test spec against the fp64 reference, over the shapes where windows go wrong.</summary>
[Collection(KernelCollection.Name)]
public sealed class KernelAccuracyTests
{
    private readonly AcceleratorFixture _fixture;
    private readonly ITestOutputHelper _log;

    public KernelAccuracyTests(AcceleratorFixture fixture, ITestOutputHelper log)
    {
        _fixture = fixture;
        _log = log;
    }

    /// <summary>Small shapes where windows go wrong: unequal lengths, lengths off the tiles, groups, decode.</summary>
    public static readonly (string Name, AttentionShape Shape)[] SmallShapes =
    {
        ("square, not a tile multiple", new(1, 13, 13, 1, 1)),
        ("SeqQ < SeqK", new(1, 5, 19, 2, 2)),
        ("SeqQ > SeqK", new(1, 19, 6, 1, 1)),
        ("GQA, batch 2", new(2, 9, 11, 4, 2)),
        ("MQA", new(1, 10, 10, 3, 1)),
        ("decode", new(1, 1, 23, 2, 1)),
        ("one key", new(1, 3, 1, 1, 1)),
        ("window edge on a tile edge", new(1, 16, 24, 2, 1)),
        ("batch 3, GQA 3", new(3, 5, 9, 6, 2)),
    };

    // About 100 fixed cases: the simulator pays about 1 ms per barrier, so the random property test is the CPU kernel's.
    public static IEnumerable<object[]> Shapes() =>
        from spec in SpecUnderTest.All.Concat(SpecUnderTest.DefaultTiles)
        from shape in SmallShapes
        select new object[] { spec, shape.Name, shape.Shape };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesReference(SpecUnderTest spec, string shapeName, AttentionShape shape)
    {
        var (output, logSumExp, _, _) = spec.Compare(_fixture.Accelerator, shape, seed: shapeName.Length);
        _log.WriteLine($"{spec} {shapeName} {shape}: output {output}, log-sum-exp {logSumExp}");
        Assert.True(output.MaxAbsolute <= 1e-5, $"output {output}");
        Assert.True(logSumExp.MaxRelative <= 1e-5, $"log-sum-exp {logSumExp}");
    }
}
