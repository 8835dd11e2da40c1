using System;
using System.Linq;
using Xunit;

namespace KernelGen.Runtime.Tests.Windows;

/// <summary>
/// Chunked attention and sink tokens, checked exhaustively on small sizes against their definitions written out here:
/// FlashAttention 3's <c>attention_chunk</c> and llama.cpp's chunked <c>is_masked_swa</c> (chunks counted from key 0 on
/// absolute positions), and StreamingLLM's sinks as attention-gym writes them, "(window or sink) and causal".
/// </summary>
public sealed class ChunkAndSinkWindowTests
{
    private static readonly int?[] Bounds = { null, -2, -1, 0, 1, 3 };

    // Key j is visible to query i (diagonal d = i + off) iff it is in the band and in d's chunk, or it is a sink the
    // right bound still reaches.
    private static bool Definition(int? left, int? right, int? chunk, int sinks, long d, int key, int seqK)
    {
        var inBand = (left is null || key >= d - left) && (right is null || key <= d + right);
        var inChunk = chunk is not int size || Math.Floor((double)d / size) == Math.Floor((double)key / size);
        var isSink = key < sinks && (right is null || key <= d + right);
        return key >= 0 && key < seqK && ((inBand && inChunk) || isSink);
    }

    private static System.Collections.Generic.IEnumerable<AttentionWindow> Windows()
    {
        foreach (var alignment in new[] { WindowAlignment.BottomRight, WindowAlignment.TopLeft })
        foreach (var left in Bounds)
        foreach (var right in Bounds)
        {
            foreach (var chunk in new int?[] { null, 1, 2, 3, 5 })
            {
                yield return new AttentionWindow(left, right, alignment, chunk);
            }

            if (left is not null)
            {
                foreach (var sinks in new[] { 1, 2, 4 })
                {
                    yield return new AttentionWindow(left, right, alignment, sinkTokens: sinks);
                }
            }
        }
    }

    [Fact]
    public void EveryPairAndEveryCountMatchesTheDefinition()
    {
        foreach (var window in Windows())
        {
            var seenAnyKey = false;
            for (var seqQ = 1; seqQ <= 9; seqQ++)
            for (var seqK = 1; seqK <= 9; seqK++)
            {
                long count = 0;
                for (var query = 0; query < seqQ; query++)
                {
                    var band = window.VisibleKeys(query, seqQ, seqK);
                    var sinks = window.SinkKeys(query, seqQ, seqK);
                    Assert.True(sinks.IsEmpty || band.IsEmpty || sinks.End <= band.Start, $"{window}: sinks and band overlap");
                    for (var key = 0; key < seqK; key++)
                    {
                        var expected = Definition(window.Left, window.Right, window.ChunkSize, window.SinkTokens, query + window.DiagonalOffset(seqQ, seqK), key, seqK);
                        Assert.True(expected == window.IsVisible(query, key, seqQ, seqK), $"{window} {seqQ}x{seqK}: query {query}, key {key}");
                        Assert.Equal(expected, (key >= band.Start && key < band.End) || key < sinks.End);
                        Assert.Equal(expected, WindowMask.IsVisible(new RuntimeWindowBounds(window), query, key, window.DiagonalOffset(seqQ, seqK), seqK));
                        count += expected ? 1 : 0;
                    }
                }

                Assert.True(count == window.VisiblePairs(seqQ, seqK), $"{window} {seqQ}x{seqK}: {count} visible pairs, VisiblePairs says {window.VisiblePairs(seqQ, seqK)}");
                seenAnyKey |= count > 0;
            }

            Assert.True(seenAnyKey != window.IsEmpty, $"{window}: IsEmpty is {window.IsEmpty}");
        }
    }

    [Fact]
    public void VisiblePairsStaysExactAtLargeSizes()
    {
        // Llama 4's local layers (8192-key chunks, causal) over 100 000 tokens: whole chunks of 8192 * 8193 / 2 pairs,
        // and the cut last chunk of 100 000 - 12 * 8192 = 1696 keys.
        var llama4 = new AttentionWindow(null, 0, chunkSize: 8192);
        Assert.Equal((12L * 8192 * 8193 / 2) + (1696L * 1697 / 2), llama4.VisiblePairs(100_000, 100_000));

        // StreamingLLM: 1020 window keys and 4 sinks; query i >= 1024 sees 1024 keys, query i < 1024 sees i + 1.
        var streaming = new AttentionWindow(1019, 0, sinkTokens: 4);
        Assert.Equal((1024L * 1025 / 2) + ((100_000L - 1024) * 1024), streaming.VisiblePairs(100_000, 100_000));
        Assert.Equal(int.MaxValue, new AttentionWindow(null, null, chunkSize: 1).VisiblePairs(int.MaxValue, int.MaxValue));
    }

    [Fact]
    public void RefusesWhatItCannotMean()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AttentionWindow(null, 0, chunkSize: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AttentionWindow(4, 0, sinkTokens: -1));
        Assert.Throws<ArgumentException>(() => new AttentionWindow(null, 0, sinkTokens: 4));
        Assert.Throws<ArgumentException>(() => new AttentionWindow(4, 0, chunkSize: 8, sinkTokens: 4));
    }

    [Fact]
    public void DescribesItselfInWords()
    {
        Assert.Equal("keys [0, i + 0] within chunks of 8192 keys (bottom-right)", new AttentionWindow(null, 0, chunkSize: 8192).ToString());
        Assert.Equal("keys [i - 1019, i + 0] and sink keys [0, 4) (bottom-right)", new AttentionWindow(1019, 0, sinkTokens: 4).ToString());
    }
}
