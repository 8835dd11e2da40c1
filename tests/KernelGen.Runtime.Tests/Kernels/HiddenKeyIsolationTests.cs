using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Runtime.Tests.Kernels;

// Specs of the isolation tests: windows narrow enough that most keys of a visited edge tile are hidden from most rows.

[AttentionKernel(HeadDim = 16, QueryTileSize = 8, KeyTileSize = 8)]
[SlidingWindow(Left = 3, Right = 3, Inclusive = true)]
public static partial class IsolationSymmetric3;

[AttentionKernel(HeadDim = 48, QueryTileSize = 4, KeyTileSize = 8, Causal = true, LogitSoftCap = 5, Sinks = true)]
[SlidingWindow(Left = 2, Inclusive = true)]
public static partial class IsolationSoftCapSinks;

[AttentionKernel(HeadDim = 64)]
[SlidingWindow(Left = 3, Right = 3, Inclusive = true)]
public static partial class IsolationDefaultTiles64;

/// <summary>
/// In both kernels, ILGPU and CPU: a NaN or an infinity in <c>k</c> or <c>v</c> at a key the window hides must not reach any output: the fp64
/// reference never touches hidden keys, so the rows it leaves finite must come out finite and equal, and the rows
/// it makes non-finite (those that see the poisoned key) must be exactly the kernel's non-finite rows. The poison
/// sits in a key tile that the kernel visits and masks, where a hidden key still has a score and a value loaded
/// (for fp16 and bf16 on the CPU, widened into the tile's fp32 copy).
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class HiddenKeyIsolationTests
{
    private readonly AcceleratorFixture _fixture;
    private readonly ITestOutputHelper _log;

    public HiddenKeyIsolationTests(AcceleratorFixture fixture, ITestOutputHelper log)
    {
        _fixture = fixture;
        _log = log;
    }

    private static readonly SpecUnderTest Symmetric3 = new(nameof(IsolationSymmetric3), IsolationSymmetric3.HeadDim, IsolationSymmetric3.Window,
        new(IsolationSymmetric3.SoftmaxScale), false, (a, q, k, v, s, o, l, shape) => IsolationSymmetric3.Forward(a, q, k, v, o, l, shape),
        (q, k, v, s, o, l, shape, options) => IsolationSymmetric3.ForwardCpu(q, k, v, o, l, shape, options));

    private static readonly SpecUnderTest SoftCapSinks = new(nameof(IsolationSoftCapSinks), IsolationSoftCapSinks.HeadDim, IsolationSoftCapSinks.Window,
        new(IsolationSoftCapSinks.SoftmaxScale, IsolationSoftCapSinks.LogitSoftCap), true, (a, q, k, v, s, o, l, shape) => IsolationSoftCapSinks.Forward(a, q, k, v, s, o, l, shape),
        (q, k, v, s, o, l, shape, options) => IsolationSoftCapSinks.ForwardCpu(q, k, v, s, o, l, shape, options));

    private static readonly SpecUnderTest DefaultTiles = new(nameof(IsolationDefaultTiles64), IsolationDefaultTiles64.HeadDim, IsolationDefaultTiles64.Window,
        new(IsolationDefaultTiles64.SoftmaxScale), false, (a, q, k, v, s, o, l, shape) => IsolationDefaultTiles64.Forward(a, q, k, v, o, l, shape),
        (q, k, v, s, o, l, shape, options) => IsolationDefaultTiles64.ForwardCpu(q, k, v, o, l, shape, options));

    private static readonly float[] Poisons = { float.NaN, float.PositiveInfinity, float.NegativeInfinity };

    public static IEnumerable<object[]> Cases()
    {
        // (kernel, spec, shape, batch and key of the poison, the kernel's query tile and key tile sizes)
        var placements = new (string Kernel, SpecUnderTest Spec, AttentionShape Shape, int Batch, int Key, int QueryTile, int KeyTile)[]
        {
            ("ilgpu", Symmetric3, new(1, 32, 32, 1, 1), 0, 13, IsolationSymmetric3.QueryTileSize, IsolationSymmetric3.KeyTileSize),
            ("ilgpu", SoftCapSinks, new(1, 21, 21, 2, 1), 0, 9, IsolationSoftCapSinks.QueryTileSize, IsolationSoftCapSinks.KeyTileSize),
            // The case this test was written for: one poisoned key in 256, window of +-3, default tiles.
            ("ilgpu", DefaultTiles, new(1, 256, 256, 1, 1), 0, 100, IsolationDefaultTiles64.QueryTileSize, IsolationDefaultTiles64.KeyTileSize),
            // The CPU kernel's tiles are 64 keys by blocks of 16 (query, head) rows of one key/value head.
            ("cpu", Symmetric3, new(1, 100, 128, 1, 1), 0, 70, CpuAttention.QueryRowsPerBlock, CpuAttention.KeyTileSize),
            ("cpu", SoftCapSinks, new(2, 90, 90, 4, 2), 1, 63, CpuAttention.QueryRowsPerBlock / 2, CpuAttention.KeyTileSize),
            ("cpu", DefaultTiles, new(1, 256, 256, 1, 1), 0, 100, CpuAttention.QueryRowsPerBlock, CpuAttention.KeyTileSize),
        };
        return from placement in placements
               from tensor in new[] { "k", "v" }
               from poison in Poisons
               select new object[] { placement.Kernel, placement.Spec, placement.Shape, placement.Batch, placement.Key, placement.QueryTile, placement.KeyTile, tensor, poison };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PoisonAtAHiddenKeyOfAnEdgeTileReachesOnlyTheRowsThatSeeIt(
        string kernel, SpecUnderTest spec, AttentionShape shape, int batch, int key, int queryTile, int keyTile, string tensor, float poison)
    {
        AssertSomeRowOfAVisitingTileHidesKey(spec.Window, shape, key, queryTile, keyTile);
        Check(spec.On(kernel, _fixture.Accelerator), spec, shape, batch, key, tensor, poison);
    }

    /// <summary>The CPU kernel's cases with 16-bit keys and values: the poison is an fp16 or bf16 NaN or infinity.</summary>
    public static IEnumerable<object[]> ElementCases()
    {
        // (spec, shape, batch and key of the poison): as the fp32 CPU cases place it.
        var placements = new (string Spec, AttentionShape Shape, int Batch, int Key)[]
        {
            (nameof(CausalWindow5BFloat16), new(1, 100, 128, 1, 1), 0, 70),
            (nameof(SoftCapWithSinksFloat16), new(2, 90, 90, 4, 2), 1, 63),
            (nameof(SoftCapWithSinksBFloat16), new(2, 90, 90, 4, 2), 1, 63),
            (nameof(DefaultTiles64Float16), new(1, 256, 256, 1, 1), 0, 100),
            (nameof(StreamingSinksBFloat16), new(1, 80, 80, 2, 1), 0, 66),
        };
        return from placement in placements
               from tensor in new[] { "k", "v" }
               from poison in Poisons
               select new object[] { ElementSpecUnderTest.Named(placement.Spec), placement.Shape, placement.Batch, placement.Key, tensor, poison };
    }

    [Theory]
    [MemberData(nameof(ElementCases))]
    public void PoisonAtAHiddenKeyOfA16BitEdgeTileReachesOnlyTheRowsThatSeeIt(
        ElementSpecUnderTest spec, AttentionShape shape, int batch, int key, string tensor, float poison)
    {
        var rowsPerQuery = shape.Heads / shape.KvHeads;
        AssertSomeRowOfAVisitingTileHidesKey(spec.Twin.Window, shape, key, Math.Max(1, CpuAttention.QueryRowsPerBlock / rowsPerQuery), CpuAttention.KeyTileSize);
        Check(spec.OnCpu(), spec.Twin, shape, batch, key, tensor, poison, spec.Element);
    }

    /// <summary>
    /// The last key tile runs past SeqK; a kernel that read those keys unguarded would read the next sequence's
    /// first keys. Poison the second sequence's first keys: the first sequence must stay finite.
    /// </summary>
    [Theory]
    [InlineData("ilgpu", "k", float.NaN)]
    [InlineData("ilgpu", "v", float.NaN)]
    [InlineData("ilgpu", "v", float.PositiveInfinity)]
    [InlineData("cpu", "k", float.NaN)]
    [InlineData("cpu", "v", float.PositiveInfinity)]
    public void PoisonPastTheLastKeyOfASequenceStaysInItsOwnSequence(string kernel, string tensor, float poison)
    {
        var shape = new AttentionShape(2, 13, 13, 1, 1);
        Assert.NotEqual(0, shape.SeqK % IsolationSymmetric3.KeyTileSize);
        for (var key = 0; key < IsolationSymmetric3.KeyTileSize - (shape.SeqK % IsolationSymmetric3.KeyTileSize); key++)
        {
            Check(Symmetric3.On(kernel, _fixture.Accelerator), Symmetric3, shape, batch: 1, key, tensor, poison);
        }
    }

    // The inputs are rounded to the kernel's element type, and its finite rows compared within ElementTolerance (for fp32, 1e-5).
    private void Check(SpecUnderTest.Kernel kernel, SpecUnderTest spec, AttentionShape shape, int batch, int key, string tensor, float poison, AttentionElement element = AttentionElement.Float32)
    {
        var random = new Random(key + (31 * batch));
        float[] Fill(long length) => ElementArrays.RoundedFill(length, element, random);
        var q = Fill(shape.QueryElements(spec.HeadDim));
        var k = Fill(shape.KeyElements(spec.HeadDim));
        var v = Fill(shape.KeyElements(spec.HeadDim));
        var sinks = spec.HasSinks ? Fill(shape.Heads) : Array.Empty<float>();

        // One element of key (or value) `key` of every kv head: the last dimension, which the last thread of a row reads.
        var poisoned = tensor == "k" ? k : v;
        var geometry = SequenceGeometry.Dense(shape, spec.HeadDim, writesLogSumExp: true);
        for (var kvHead = 0; kvHead < shape.KvHeads; kvHead++)
        {
            poisoned[geometry.KeyRow(geometry.DenseSequence(batch, 0), key, kvHead) + spec.HeadDim - 1] = poison;
        }

        var output = new float[q.Length];
        var logSumExp = new float[shape.LogSumExpElements];
        kernel(q, k, v, sinks, output, logSumExp, shape);
        var expected = ReferenceAttention.Compute(q, k, v, shape, spec.HeadDim, spec.Window, spec.Options, sinks);

        var expectedNonFinite = new List<string>();
        var actualNonFinite = new List<string>();
        double worstOutput = 0, worstOfTolerance = 0, worstLogSumExp = 0;
        for (var b = 0; b < shape.Batch; b++)
        for (var query = 0; query < shape.SeqQ; query++)
        for (var head = 0; head < shape.Heads; head++)
        {
            var start = geometry.QueryRow(geometry.DenseSequence(b, 0), query, head);
            var actualRow = output.AsSpan((int)start, spec.HeadDim);
            var expectedRow = expected.Output.AsSpan((int)start, spec.HeadDim);
            var name = $"[{b}, {query}, {head}]";
            var referenceFinite = IsFinite(expectedRow);
            if (!referenceFinite)
            {
                expectedNonFinite.Add(name);
            }

            if (!IsFinite(actualRow))
            {
                actualNonFinite.Add(name);
            }

            if (referenceFinite)
            {
                var (ofTolerance, error) = ElementTolerance.Measure(actualRow, expectedRow, element);
                worstOutput = Math.Max(worstOutput, error.MaxAbsolute);
                worstOfTolerance = Math.Max(worstOfTolerance, ofTolerance);
                var lse = geometry.LogSumExpIndex(geometry.DenseSequence(b, 0), head, query);
                worstLogSumExp = Math.Max(worstLogSumExp, ErrorReport.Compare(logSumExp.AsSpan((int)lse, 1), expected.LogSumExp.AsSpan((int)lse, 1), relativeFloor: 1).MaxRelative);
            }
        }

        _log.WriteLine($"{spec} {element} {shape}, {tensor}[{batch}, {key}] = {poison}: reference non-finite rows {Describe(expectedNonFinite)}; kernel {Describe(actualNonFinite)}; finite rows max abs {worstOutput:E2} ({worstOfTolerance:0.00} of the tolerance), log-sum-exp max rel {worstLogSumExp:E2}");
        Assert.Equal(expectedNonFinite, actualNonFinite);
        Assert.True(worstOfTolerance <= 1, $"finite rows differ from the reference by {worstOutput:E2}, {worstOfTolerance:0.00} of the tolerance");
        Assert.True(worstLogSumExp <= 1e-5, $"finite rows' log-sum-exp differs from the reference by {worstLogSumExp:E2} (relative)");
    }

    /// <summary>The test means something only if a visited key tile holds the key and one of its query tile's rows cannot see it.</summary>
    private static void AssertSomeRowOfAVisitingTileHidesKey(AttentionWindow window, AttentionShape shape, int key, int queryTileSize, int keyTileSize)
    {
        for (var queryStart = 0; queryStart < shape.SeqQ; queryStart += queryTileSize)
        {
            var queryEnd = Math.Min(queryStart + queryTileSize, shape.SeqQ);
            var plan = window.PlanKeyTiles(queryStart, queryEnd, shape.SeqQ, shape.SeqK, keyTileSize);
            var tile = key / keyTileSize;
            if (plan.Visits(tile)
                && Enumerable.Range(queryStart, queryEnd - queryStart).Any(query => !window.IsVisible(query, key, shape.SeqQ, shape.SeqK)))
            {
                Assert.True(plan.NeedsMask(tile), "a visited tile with a hidden key must be masked");
                return;
            }
        }

        Assert.Fail($"no visited key tile holds key {key} with a row that cannot see it");
    }

    private static bool IsFinite(ReadOnlySpan<float> values)
    {
        foreach (var value in values)
        {
            if (!float.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsFinite(ReadOnlySpan<double> values)
    {
        foreach (var value in values)
        {
            if (!double.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }

    private static string Describe(List<string> rows) => rows.Count == 0 ? "none" : $"{rows.Count} ({rows[0]} .. {rows[^1]})";
}
