using System;
using System.Collections.Generic;
using System.Linq;
using ILGPU.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>
/// Decode through <c>ForwardSequences</c> on the ILGPU kernel (CPU simulator), where the schedule packs the query heads of
/// a key/value head into one group and splits the keys across groups: against the fp64 reference on each row's full
/// history, with a ring cache built by hand whose window wraps around the ring's end and whose every slot that no query
/// sees holds NaN; rows of different lengths, 1 to 4 queries per row, GQA, sinks (finite and infinite), soft cap, rows
/// without keys and 0/0 rows; and the layout checks.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class IlgpuSplitKeyTests
{
    private readonly AcceleratorFixture _fixture;
    private readonly ITestOutputHelper _log;

    public IlgpuSplitKeyTests(AcceleratorFixture fixture, ITestOutputHelper log)
    {
        _fixture = fixture;
        _log = log;
    }

    private Accelerator Accelerator => _fixture.Accelerator;

    public static IEnumerable<object[]> RingCaches() => new[]
    {
        // (spec, (key count, new queries) per row, heads, kvHeads, ring capacity = Left + the most new queries, sink of head 1)
        // Rows 0 and 2 wrap around the ring's end; row 1 has never filled its ring (unwritten slots hold NaN).
        new object[] { nameof(SplitDecodeSinks), new[] { 27, 9, 60 }, new[] { 1, 4, 2 }, 4, 2, 25, 0.5f },
        new object[] { nameof(SplitDecodeSinks), new[] { 27, 9, 60 }, new[] { 1, 4, 2 }, 4, 2, 25, float.PositiveInfinity },
        new object[] { nameof(SplitDecodeSinks), new[] { 30 }, new[] { 3 }, 2, 1, 25, float.NegativeInfinity },
        // 4 query heads per key/value head and 3 queries: two row tiles of 8 (query, head) rows; a ring that is exactly full.
        new object[] { nameof(SplitDecodeWindow), new[] { 40, 33, 71 }, new[] { 3, 1, 2 }, 4, 1, 33, 0f },
        new object[] { nameof(SplitDecodeWindow), new[] { 34, 5 }, new[] { 1, 1 }, 2, 2, 31, 0f },
    };

    [Theory]
    [MemberData(nameof(RingCaches))]
    public void RingCacheDecodeMatchesTheFullHistory(string name, int[] keyCounts, int[] newQueries, int heads, int kvHeads, int capacity, float sinkOfHead1)
    {
        var spec = SequenceSpecUnderTest.Named(name);
        var random = new Random(keyCounts.Sum() + capacity);
        var histories = keyCounts.Zip(newQueries, (keys, queries) => SequenceHistory.Random(queries, keys, heads, kvHeads, spec.HeadDim, random)).ToArray();
        var sinks = spec.HasSinks ? SequenceHistory.Fill(heads, random) : Array.Empty<float>();
        if (spec.HasSinks)
        {
            sinks[1] = sinkOfHead1;
        }

        var (keys, values, layouts) = RingOf(spec, histories, kvHeads, capacity);
        var geometry = SequenceGeometry.Cache(histories.Length, heads, kvHeads, spec.HeadDim, capacity, ring: true, sinkSlots: 0,
            newQueries.Sum(), newQueries.Max(), keyCounts.Max(), writesLogSumExp: true);
        var (output, logSumExp) = Run(spec, histories, keys, values, sinks, geometry, layouts);

        var (expectedOutput, expectedLogSumExp) = spec.Reference(histories, heads, kvHeads, sinks);
        var outputError = ErrorReport.Compare(output, expectedOutput);
        var lseError = ErrorReport.Compare(logSumExp, expectedLogSumExp, relativeFloor: 1);
        _log.WriteLine($"{name} keys [{string.Join(", ", keyCounts)}] queries [{string.Join(", ", newQueries)}] ring {capacity}: output {outputError}, lse {lseError}");
        Assert.True(outputError.MaxAbsolute <= 1e-5, $"output {outputError}");
        Assert.True(lseError.MaxRelative <= 1e-5, $"lse {lseError}");
    }

    [Fact]
    public void PackedDecodeWithRowsWithoutKeysAndZeroOverZeroRows()
    {
        // Sequence 1 has no keys (zeros, -inf); every key sequence 2's query sees scores -inf (0/0: NaN), in every part.
        var spec = SequenceSpecUnderTest.Named(nameof(SplitDecodeWindow));
        const int Heads = 2;
        var random = new Random(3);
        var histories = new[] { (1, 30), (2, 0), (1, 28) }.Select(s => SequenceHistory.Random(s.Item1, s.Item2, Heads, 1, spec.HeadDim, random)).ToArray();
        Array.Clear(histories[2].Q);
        histories[2].Q[0] = float.PositiveInfinity;
        for (var key = 0; key < histories[2].Keys; key++)
        {
            histories[2].K[key * spec.HeadDim] = -1f;
        }

        var cuSeqLensQ = new[] { 0, 1, 3, 4 };
        var cuSeqLensK = new[] { 0, 30, 30, 58 };
        var keys = histories.SelectMany(h => h.K).ToArray();
        var (geometry, layouts) = PackedBatch.Describe(cuSeqLensQ, cuSeqLensK, 4 * Heads * spec.HeadDim, keys.Length, Heads, 1, spec.HeadDim,
            spec.Window.Alignment, writesLogSumExp: true);
        var (output, logSumExp) = Run(spec, histories, keys, histories.SelectMany(h => h.V).ToArray(), Array.Empty<float>(), geometry, layouts);

        var (expectedOutput, expectedLogSumExp) = spec.Reference(histories, Heads, 1, Array.Empty<float>());
        Assert.All(output.Skip(3 * Heads * spec.HeadDim).Take(spec.HeadDim), value => Assert.True(float.IsNaN(value), $"{value} instead of NaN"));
        Assert.True(float.IsNaN(logSumExp[3]), $"log-sum-exp {logSumExp[3]} instead of NaN");
        Assert.All(output.Skip(Heads * spec.HeadDim).Take(2 * Heads * spec.HeadDim), value => Assert.Equal(0f, value));
        var outputError = ErrorReport.Compare(output, expectedOutput);
        var lseError = ErrorReport.Compare(logSumExp, expectedLogSumExp, relativeFloor: 1);
        Assert.True(outputError.MaxAbsolute <= 1e-5, $"output {outputError}");
        Assert.True(lseError.MaxRelative <= 1e-5, $"lse {lseError}");
    }

    [Fact]
    public void DenseDecodeSplitsTooWithoutALayoutBuffer()
    {
        // The dense Forward runs the same schedule: one query per row, 4 heads on one key/value head, keys split 4 ways.
        var spec = SequenceSpecUnderTest.Named(nameof(SplitDecodeWindow));
        var shape = new AttentionShape(2, 1, 37, 4, 1);
        var inputs = AttentionInputsForTests.Random(shape, spec.HeadDim, hasSinks: false, seed: 37);
        var output = new float[inputs.Q.Length];
        var logSumExp = new float[shape.LogSumExpElements];
        SplitDecodeWindow.Forward(Accelerator, inputs.Q, inputs.K, inputs.V, output, logSumExp, shape);

        var expected = ReferenceAttention.Compute(inputs.Q, inputs.K, inputs.V, shape, spec.HeadDim, spec.Window, spec.Options);
        var outputError = ErrorReport.Compare(output, expected.Output);
        var lseError = ErrorReport.Compare(logSumExp, expected.LogSumExp, relativeFloor: 1);
        Assert.True(outputError.MaxAbsolute <= 1e-5, $"output {outputError}");
        Assert.True(lseError.MaxRelative <= 1e-5, $"lse {lseError}");
    }

    [Fact]
    public void ScheduleSplitsOnlyDecodeSizedCallsWithFewGroupsAndManyKeyTiles()
    {
        var tiles = new IlgpuTiles(SplitDecodeWindow.QueryTileSize, SplitDecodeWindow.KeyTileSize, 32);
        var window = new RuntimeWindowBounds(SplitDecodeWindow.Window);
        AttentionSchedule Decode(int sequences, int queries, int keys, int heads, int kvHeads) =>
            AttentionSchedule.For(SequenceGeometry.Dense(new AttentionShape(sequences, queries, keys, heads, kvHeads), 16, false), window, tiles, 0);

        // One sequence, 4 heads on one key/value head: the 31-key window is 8 tiles of 4, so 4 parts of 2.
        var decode = Decode(1, 1, 4096, 4, 1);
        Assert.Equal((4, 4, 1), (decode.PackedHeads, decode.Splits, decode.RowTiles));
        // Many groups already: no split. Few keys: no split.
        Assert.Equal(1, Decode(64, 1, 4096, 32, 8).Splits);
        Assert.Equal(1, Decode(1, 1, 7, 4, 1).Splits);
        // More queries than a tile holds: tiled, one head per group.
        var prefill = Decode(1, 9, 4096, 4, 1);
        Assert.Equal((1, 1, 2), (prefill.PackedHeads, prefill.Splits, prefill.RowTiles));
    }

    [Fact]
    public void ARingTooShortForTheWindowIsRefused()
    {
        // 4 new queries on a causal window of 22 keys need 25 slots; with 24 the first query's oldest key is gone.
        var spec = SequenceSpecUnderTest.Named(nameof(SplitDecodeSinks));
        var history = SequenceHistory.Random(4, 40, 2, 1, spec.HeadDim, new Random(1));
        var (keys, values, layouts) = RingOf(spec, new[] { history }, 1, 24);
        var geometry = SequenceGeometry.Cache(1, 2, 1, spec.HeadDim, 24, ring: true, sinkSlots: 0, 4, 4, 40, writesLogSumExp: true);
        var error = Assert.Throws<ArgumentException>(() => Run(spec, new[] { history }, keys, values, new float[2], geometry, layouts));
        Assert.Contains("sequences[0]'s query 0 sees key 15, but a ring of 24 slots holding 40 keys keeps only keys 16 and later: this call needs at least 25 slots", error.Message);
    }

    [Fact]
    public void LayoutsOutsideTheBuffersOrUnlikeTheDeviceCopyAreRefused()
    {
        var spec = SequenceSpecUnderTest.Named(nameof(SplitDecodeWindow));
        var history = SequenceHistory.Random(2, 6, 1, 1, spec.HeadDim, new Random(2));
        var (geometry, layouts) = PackedBatch.Describe(new[] { 0, 2 }, new[] { 0, 6 }, history.Q.Length, history.K.Length, 1, 1, spec.HeadDim,
            WindowAlignment.BottomRight, writesLogSumExp: false);
        var shifted = new SequenceLayout(0, 2, spec.HeadDim, 6, 4, 0);
        using var q = Accelerator.Allocate1D(history.Q);
        using var kv = Accelerator.Allocate1D(history.K);
        using var output = Accelerator.Allocate1D<float>(history.Q.Length);
        using var device = Accelerator.Allocate1D(layouts);
        var buffers = new SequenceBuffers<float>(q.View, kv.View, kv.View, default, output.View, default, device.View);

        var outside = Assert.Throws<ArgumentException>(() => spec.Sequences(Accelerator.DefaultStream, buffers, geometry, new[] { shifted }));
        Assert.Contains("sequences[0]'s keys reach element 111 (start 16), outside k (96 elements)", outside.Message);
        var count = Assert.Throws<ArgumentException>(() => spec.Sequences(Accelerator.DefaultStream, buffers, geometry, new[] { layouts[0], layouts[0] }));
        Assert.Contains("buffers.Sequences holds 1 layouts but the host copy 2", count.Message);
    }

    /// <summary>
    /// A ring cache <c>[rows, kvHeads, capacity, HeadDim]</c> built from full histories: key position <c>p</c> in slot
    /// <c>p % capacity</c>, written only where some new query of the row sees it; every other slot holds NaN.
    /// </summary>
    private static (float[] Keys, float[] Values, SequenceLayout[] Layouts) RingOf(SequenceSpecUnderTest spec, IReadOnlyList<SequenceHistory> rows, int kvHeads, int capacity)
    {
        var dim = spec.HeadDim;
        var keys = Enumerable.Repeat(float.NaN, rows.Count * kvHeads * capacity * dim).ToArray();
        var values = (float[])keys.Clone();
        var layouts = new SequenceLayout[rows.Count];
        var queryStart = 0;
        for (var row = 0; row < rows.Count; row++)
        {
            var history = rows[row];
            long rowStart = (long)row * kvHeads * capacity * dim;
            for (var query = 0; query < history.Queries; query++)
            {
                var seen = spec.Window.VisibleKeys(query, history.Queries, history.Keys);
                for (var position = Math.Max(seen.Start, history.Keys - capacity); position < seen.End; position++)
                {
                    for (var kvHead = 0; kvHead < kvHeads; kvHead++)
                    {
                        var slot = rowStart + (((long)kvHead * capacity) + (position % capacity)) * dim;
                        Array.Copy(history.K, ((position * kvHeads) + kvHead) * dim, keys, slot, dim);
                        Array.Copy(history.V, ((position * kvHeads) + kvHead) * dim, values, slot, dim);
                    }
                }
            }

            layouts[row] = new SequenceLayout(queryStart, history.Queries, rowStart, history.Keys, history.Keys - history.Queries, queryStart);
            queryStart += history.Queries;
        }

        return (keys, values, layouts);
    }

    private (float[] Output, float[] LogSumExp) Run(
        SequenceSpecUnderTest spec, IReadOnlyList<SequenceHistory> histories, float[] keys, float[] values, float[] sinks,
        SequenceGeometry geometry, SequenceLayout[] layouts)
    {
        var tokens = histories.Sum(h => h.Queries);
        var heads = geometry.Heads;
        using var q = Accelerator.Allocate1D(histories.SelectMany(h => h.Q).ToArray());
        using var k = Accelerator.Allocate1D(keys);
        using var v = Accelerator.Allocate1D(values);
        using var sinkBuffer = Accelerator.Allocate1D(spec.HasSinks ? sinks : new float[1]);
        using var output = Accelerator.Allocate1D(Enumerable.Repeat(12345f, tokens * heads * spec.HeadDim).ToArray());
        using var logSumExp = Accelerator.Allocate1D(Enumerable.Repeat(12345f, tokens * heads).ToArray());
        using var sequences = Accelerator.Allocate1D(layouts);
        var buffers = new SequenceBuffers<float>(q.View, k.View, v.View, spec.HasSinks ? sinkBuffer.View : default, output.View,
            geometry.WritesLogSumExp != 0 ? logSumExp.View : default, sequences.View);
        spec.Sequences(Accelerator.DefaultStream, buffers, geometry, layouts);
        Accelerator.DefaultStream.Synchronize();
        return (output.GetAsArray1D(), logSumExp.GetAsArray1D());
    }
}
