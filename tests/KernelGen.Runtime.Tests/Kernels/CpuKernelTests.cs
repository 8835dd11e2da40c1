using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>The CPU kernel against the fp64 reference on every shape the ILGPU kernel is tested on, and beyond its own tiles.</summary>
public sealed class CpuKernelTests
{
    private readonly ITestOutputHelper _log;

    public CpuKernelTests(ITestOutputHelper log) => _log = log;

    /// <summary>Shapes that cross the CPU kernel's 64-key tiles and 16-row blocks.</summary>
    public static readonly (string Name, AttentionShape Shape)[] TileCrossingShapes =
    {
        ("several key tiles, GQA", new(1, 150, 200, 4, 2)),
        ("SeqQ > SeqK across tiles", new(1, 140, 70, 2, 2)),
        ("one row past a tile", new(2, 65, 65, 1, 1)),
        ("decode, long", new(2, 1, 300, 8, 2)),
        ("wide group", new(1, 7, 90, 24, 1)),
    };

    public static IEnumerable<object[]> Shapes() =>
        from spec in SpecUnderTest.All.Concat(SpecUnderTest.DefaultTiles)
        from shape in KernelAccuracyTests.SmallShapes.Concat(TileCrossingShapes)
        select new object[] { spec, shape.Name, shape.Shape };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesReference(SpecUnderTest spec, string shapeName, AttentionShape shape)
    {
        var (output, logSumExp, _, _) = spec.Compare(spec.OnCpu(), shape, seed: shapeName.Length);
        _log.WriteLine($"{spec} {shapeName} {shape}: output {output}, log-sum-exp {logSumExp}");
        Assert.True(output.MaxAbsolute <= 1e-5, $"output {output}");
        Assert.True(logSumExp.MaxRelative <= 1e-5, $"log-sum-exp {logSumExp}");
    }
}
