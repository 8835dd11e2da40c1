using System;
using System.Collections.Generic;
using System.Linq;
using ILGPU.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>
/// <c>ForwardVarlen</c> on the ILGPU kernel (CPU simulator) against the fp64 reference run on each sequence alone: empty
/// sequences, length-1 sequences, lengths off the tiles, SeqQ != SeqK per sequence, both alignments, GQA, sinks; and the
/// offsets' checks.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class IlgpuVarlenTests
{
    private readonly AcceleratorFixture _fixture;
    private readonly ITestOutputHelper _log;

    public IlgpuVarlenTests(AcceleratorFixture fixture, ITestOutputHelper log)
    {
        _fixture = fixture;
        _log = log;
    }

    private Accelerator Accelerator => _fixture.Accelerator;

    public static IEnumerable<object[]> Batches() => new[]
    {
        // (spec, queries per sequence, keys per sequence, heads, kvHeads)
        // Bottom-right, tiled (13 queries > a tile of 8): fewer and more queries than keys, no queries, no keys, one of each, nothing.
        new object[] { nameof(CausalWindow5), new[] { 3, 0, 1, 13, 1, 0 }, new[] { 7, 4, 0, 11, 1, 0 }, 4, 2 },
        // Top-left with a look-ahead, tiled (9 queries > a tile of 4), MQA.
        new object[] { nameof(SymmetricTopLeft), new[] { 5, 1, 0, 9 }, new[] { 9, 1, 3, 4 }, 3, 1 },
        // Sinks and soft cap, decode-sized (at most 4 queries): heads sharing a key/value head share a group; a row without keys gets the sink.
        new object[] { nameof(SoftCapWithSinks), new[] { 2, 4, 1 }, new[] { 20, 4, 0 }, 4, 2 },
        // A bottom-right look-ahead window, decode-sized, MHA.
        new object[] { nameof(LookAhead), new[] { 1, 6, 2 }, new[] { 9, 3, 17 }, 2, 2 },
        // Decode-sized with split keys, GQA 4: rows of different lengths, one without keys.
        new object[] { nameof(SplitDecodeSinks), new[] { 1, 3, 2, 1 }, new[] { 17, 30, 0, 1 }, 4, 1 },
    };

    [Theory]
    [MemberData(nameof(Batches))]
    public void MatchesTheReferenceOnEachSequence(string name, int[] queries, int[] keys, int heads, int kvHeads)
    {
        var spec = SequenceSpecUnderTest.Named(name);
        var random = new Random(queries.Sum() * 31 + keys.Sum());
        var sequences = queries.Zip(keys, (q, k) => SequenceHistory.Random(q, k, heads, kvHeads, spec.HeadDim, random)).ToArray();
        var sinks = spec.HasSinks ? SequenceHistory.Fill(heads, random) : Array.Empty<float>();

        var (output, logSumExp) = RunVarlen(spec, sequences, heads, kvHeads, sinks);
        var (expectedOutput, expectedLogSumExp) = spec.Reference(sequences, heads, kvHeads, sinks);
        var outputError = ErrorReport.Compare(output, expectedOutput);
        var lseError = ErrorReport.Compare(logSumExp, expectedLogSumExp, relativeFloor: 1);
        _log.WriteLine($"{name} q [{string.Join(", ", queries)}] k [{string.Join(", ", keys)}] heads {heads}/{kvHeads}: output {outputError}, lse {lseError}");
        Assert.True(outputError.MaxAbsolute <= 1e-5, $"output {outputError}");
        Assert.True(lseError.MaxRelative <= 1e-5, $"lse {lseError}");
    }

    [Fact]
    public void ConsecutiveCallsOnOneStreamReuseAndGrowItsLayoutBuffer()
    {
        // The second call has more sequences than the first uploaded, so the stream's layout buffer grows between them.
        var spec = SequenceSpecUnderTest.Named(nameof(SplitDecodeWindow));
        var random = new Random(12);
        var small = new[] { SequenceHistory.Random(2, 9, 2, 1, spec.HeadDim, random) };
        var large = new[] { 3, 1, 4, 1, 5 }.Select(q => SequenceHistory.Random(q, 9 * q, 2, 1, spec.HeadDim, random)).ToArray();
        using var stream = Accelerator.CreateStream();
        foreach (var sequences in new[] { small, large, small })
        {
            var (output, _) = RunVarlen(spec, sequences, 2, 1, Array.Empty<float>(), stream);
            var error = ErrorReport.Compare(output, spec.Reference(sequences, 2, 1, Array.Empty<float>()).Output);
            Assert.True(error.MaxAbsolute <= 1e-5, $"{sequences.Length} sequences: {error}");
        }
    }

    public static IEnumerable<object[]> BadOffsets() => new[]
    {
        // (cuSeqLensQ, cuSeqLensK, maxSeqLenQ, maxSeqLenK, the name the message must carry)
        new object[] { new[] { 1, 3, 5 }, new[] { 0, 2, 5 }, 4, 4, "cuSeqLensQ[0] is 1" },
        new object[] { new[] { 0, 3, 5 }, new[] { 0, 4, 3, 5 }, 4, 4, "cuSeqLensQ has 3 entries and cuSeqLensK 4" },
        new object[] { new[] { 0, 3, 2, 5 }, new[] { 0, 2, 4, 5 }, 4, 4, "cuSeqLensQ[2] is 2, below cuSeqLensQ[1] = 3" },
        new object[] { new[] { 0, 3, 5 }, new[] { 0, 2, 4 }, 4, 4, "cuSeqLensK[2] is 4, but the buffers hold 5 key tokens" },
        new object[] { new[] { 0, 3, 5 }, new[] { 0, 2, 5 }, 2, 4, "maxSeqLenQ is 2, but sequence 0 has 3 queries" },
        new object[] { new[] { 0, 3, 5 }, new[] { 0, 2, 5 }, 3, 2, "maxSeqLenK is 2, but sequence 1 has 3 keys" },
    };

    [Theory]
    [MemberData(nameof(BadOffsets))]
    public void BadOffsetsThrowNamingTheFirstBadEntry(int[] cuSeqLensQ, int[] cuSeqLensK, int maxSeqLenQ, int maxSeqLenK, string expected)
    {
        var spec = SequenceSpecUnderTest.Named(nameof(CausalWindow5));
        using var q = Accelerator.Allocate1D<float>(5 * 2 * spec.HeadDim);
        using var kv = Accelerator.Allocate1D<float>(5 * spec.HeadDim);
        using var output = Accelerator.Allocate1D<float>(q.Length);
        using var logSumExp = Accelerator.Allocate1D<float>(5 * 2);
        var error = Assert.Throws<ArgumentException>(() => spec.Varlen(
            Accelerator.DefaultStream, q.View, kv.View, kv.View, default, output.View, logSumExp.View, cuSeqLensQ, cuSeqLensK, maxSeqLenQ, maxSeqLenK, 2, 1));
        Assert.Contains(expected, error.Message);
    }

    private (float[] Output, float[] LogSumExp) RunVarlen(
        SequenceSpecUnderTest spec, IReadOnlyList<SequenceHistory> sequences, int heads, int kvHeads, float[] sinks, AcceleratorStream? stream = null)
    {
        static int[] Offsets(IEnumerable<int> lengths) => lengths.Aggregate(new List<int> { 0 }, (offsets, length) => { offsets.Add(offsets[^1] + length); return offsets; }).ToArray();
        var cuSeqLensQ = Offsets(sequences.Select(s => s.Queries));
        var cuSeqLensK = Offsets(sequences.Select(s => s.Keys));
        var tokens = cuSeqLensQ[^1];

        using var q = Accelerator.Allocate1D(sequences.SelectMany(s => s.Q).ToArray());
        using var k = Accelerator.Allocate1D(sequences.SelectMany(s => s.K).ToArray());
        using var v = Accelerator.Allocate1D(sequences.SelectMany(s => s.V).ToArray());
        // ILGPU cannot allocate an empty buffer: a spec without sinks gets an unused one and passes an empty view.
        using var sinkBuffer = Accelerator.Allocate1D(sinks.Length == 0 ? new float[1] : sinks);
        using var output = Accelerator.Allocate1D(Enumerable.Repeat(12345f, tokens * heads * spec.HeadDim).ToArray());
        using var logSumExp = Accelerator.Allocate1D(Enumerable.Repeat(12345f, tokens * heads).ToArray());
        var queue = stream ?? Accelerator.DefaultStream;
        spec.Varlen(queue, q.View, k.View, v.View, spec.HasSinks ? sinkBuffer.View : default, output.View, logSumExp.View,
            cuSeqLensQ, cuSeqLensK, sequences.Max(s => s.Queries), sequences.Max(s => s.Keys), heads, kvHeads);
        queue.Synchronize();
        return (output.GetAsArray1D(), logSumExp.GetAsArray1D());
    }
}
