using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Runtime.Tests.Kernels;

// Tile sizes that do not divide into 8 x 8 register blocks: the blocks shrink to what divides the tile.

/// <summary>Odd tiles: 1 x 1 blocks, more score blocks than threads (each thread takes several), staging with bounds checks.</summary>
[AttentionKernel(HeadDim = 16, QueryTileSize = 3, KeyTileSize = 5)]
[SlidingWindow(Left = 4, Right = 1, Inclusive = true)]
public static partial class IlgpuOddTiles;

/// <summary>A decoding tile of one query row: 1 x 4 score blocks, causal, with sinks.</summary>
[AttentionKernel(HeadDim = 32, QueryTileSize = 1, KeyTileSize = 12, Causal = true, Sinks = true)]
public static partial class IlgpuDecodeTile;

/// <summary>4 x 2 score blocks and 4 x 8 output blocks, split in two along the head dimension, with a soft cap.</summary>
[AttentionKernel(HeadDim = 64, QueryTileSize = 12, KeyTileSize = 6, LogitSoftCap = 20)]
[SlidingWindow(Left = 7, Right = 2, Inclusive = true)]
public static partial class IlgpuMixedBlocks;

/// <summary>Head size 80: ten dimension blocks, score blocks split in five.</summary>
[AttentionKernel(HeadDim = 80, QueryTileSize = 16, KeyTileSize = 16)]
[SlidingWindow(Left = 9, Right = 0, Inclusive = true)]
public static partial class IlgpuFiveSplits;

/// <summary>Tiles where the split that would keep every thread busy does not fit 48 KB: fewer splits (ModelShapes' prefill).</summary>
[AttentionKernel(HeadDim = 128, QueryTileSize = 16, KeyTileSize = 32)]
[SlidingWindow(Left = 20, Right = 0, Inclusive = true)]
public static partial class IlgpuTightTiles128;

/// <summary>Specs whose tiles do not block into 8 x 8 blocks with every thread busy, against the fp64 reference.</summary>
[Collection(KernelCollection.Name)]
public sealed class IlgpuTileShapeTests
{
    private readonly AcceleratorFixture _fixture;
    private readonly ITestOutputHelper _log;

    public IlgpuTileShapeTests(AcceleratorFixture fixture, ITestOutputHelper log)
    {
        _fixture = fixture;
        _log = log;
    }

    private static readonly SpecUnderTest[] Specs =
    {
        new(nameof(IlgpuOddTiles), IlgpuOddTiles.HeadDim, IlgpuOddTiles.Window, new(IlgpuOddTiles.SoftmaxScale), false,
            (a, q, k, v, s, o, l, shape) => IlgpuOddTiles.Forward(a, q, k, v, o, l, shape),
            (q, k, v, s, o, l, shape, options) => IlgpuOddTiles.ForwardCpu(q, k, v, o, l, shape, options)),
        new(nameof(IlgpuDecodeTile), IlgpuDecodeTile.HeadDim, IlgpuDecodeTile.Window, new(IlgpuDecodeTile.SoftmaxScale), true,
            (a, q, k, v, s, o, l, shape) => IlgpuDecodeTile.Forward(a, q, k, v, s, o, l, shape),
            (q, k, v, s, o, l, shape, options) => IlgpuDecodeTile.ForwardCpu(q, k, v, s, o, l, shape, options)),
        new(nameof(IlgpuMixedBlocks), IlgpuMixedBlocks.HeadDim, IlgpuMixedBlocks.Window, new(IlgpuMixedBlocks.SoftmaxScale, IlgpuMixedBlocks.LogitSoftCap), false,
            (a, q, k, v, s, o, l, shape) => IlgpuMixedBlocks.Forward(a, q, k, v, o, l, shape),
            (q, k, v, s, o, l, shape, options) => IlgpuMixedBlocks.ForwardCpu(q, k, v, o, l, shape, options)),
        new(nameof(IlgpuFiveSplits), IlgpuFiveSplits.HeadDim, IlgpuFiveSplits.Window, new(IlgpuFiveSplits.SoftmaxScale), false,
            (a, q, k, v, s, o, l, shape) => IlgpuFiveSplits.Forward(a, q, k, v, o, l, shape),
            (q, k, v, s, o, l, shape, options) => IlgpuFiveSplits.ForwardCpu(q, k, v, o, l, shape, options)),
        new(nameof(IlgpuTightTiles128), IlgpuTightTiles128.HeadDim, IlgpuTightTiles128.Window, new(IlgpuTightTiles128.SoftmaxScale), false,
            (a, q, k, v, s, o, l, shape) => IlgpuTightTiles128.Forward(a, q, k, v, o, l, shape),
            (q, k, v, s, o, l, shape, options) => IlgpuTightTiles128.ForwardCpu(q, k, v, o, l, shape, options)),
    };

    public static IEnumerable<object[]> Cases()
    {
        var shapes = new (string Name, AttentionShape Shape)[]
        {
            ("square, not a tile multiple", new(1, 13, 13, 1, 1)),
            ("SeqQ < SeqK", new(1, 5, 19, 2, 2)),
            ("GQA, batch 2", new(2, 9, 11, 4, 2)),
            ("decode", new(1, 1, 23, 2, 1)),
        };
        return from spec in Specs
               from shape in shapes
               select new object[] { spec, shape.Name, shape.Shape };
    }

    /// <summary>What each spec's tiles block into, so that the shapes above exercise what they claim to.</summary>
    [Theory]
    [InlineData(typeof(IlgpuOddTiles), 1, 1, 1, 15, 6)]
    [InlineData(typeof(IlgpuDecodeTile), 1, 4, 1, 3, 4)]
    [InlineData(typeof(IlgpuMixedBlocks), 4, 2, 2, 18, 24)]
    [InlineData(typeof(IlgpuFiveSplits), 8, 8, 5, 20, 20)]
    [InlineData(typeof(IlgpuTightTiles128), 8, 8, 2, 16, 32)]
    [InlineData(typeof(DefaultTiles64), 8, 8, 2, 32, 32)]
    [InlineData(typeof(DefaultTiles128), 8, 8, 8, 32, 32)]
    [InlineData(typeof(DefaultTiles96), 8, 8, 6, 48, 48)]
    [InlineData(typeof(DefaultTiles256), 8, 8, 8, 16, 32)]
    public void BlocksShrinkToWhatDividesTheTile(Type spec, int rowsPerThread, int keysPerThread, int dimSplits, int scoreItems, int threadsPerGroup)
    {
        int Constant(string name) => (int)spec.GetField(name, BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        _log.WriteLine($"{spec.Name}: tiles {Constant("QueryTileSize")} x {Constant("KeyTileSize")}, {Constant("ThreadsPerGroup")} threads, "
            + $"{Constant("SharedMemoryBytes")} bytes of shared memory, {Constant("DimSplits")} dimension splits");
        Assert.Equal(
            (rowsPerThread, keysPerThread, dimSplits, scoreItems, threadsPerGroup),
            (Constant("RowsPerThread"), Constant("KeysPerThread"), Constant("DimSplits"), Constant("ScoreItems"), Constant("ThreadsPerGroup")));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReference(SpecUnderTest spec, string shapeName, AttentionShape shape)
    {
        var (output, logSumExp, _, _) = spec.Compare(_fixture.Accelerator, shape, seed: shapeName.Length + 1);
        _log.WriteLine($"{spec} {shapeName} {shape}: output {output}, log-sum-exp {logSumExp}");
        Assert.True(output.MaxAbsolute <= 1e-5, $"output {output}");
        Assert.True(logSumExp.MaxRelative <= 1e-5, $"log-sum-exp {logSumExp}");
    }

    // The CPU kernel ignores the ILGPU tile sizes; the same specs cover its head size 80, decode with sinks and soft cap.
    [Theory]
    [MemberData(nameof(Cases))]
    public void CpuKernelMatchesReference(SpecUnderTest spec, string shapeName, AttentionShape shape)
    {
        var (output, logSumExp, _, _) = spec.Compare(spec.OnCpu(), shape, seed: shapeName.Length + 1);
        Assert.True(output.MaxAbsolute <= 1e-5, $"output {output}");
        Assert.True(logSumExp.MaxRelative <= 1e-5, $"log-sum-exp {logSumExp}");
    }
}
