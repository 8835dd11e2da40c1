using System;
using Xunit;

namespace KernelGen.Runtime.Tests.Conventions;

/// <summary>
/// FlexAttention's chunk and sink <c>mask_mod</c> terms: <c>and_masks(window, q // S == kv_idx // S)</c> and
/// <c>or_masks(window, (kv_idx &lt; N) &amp; right bound)</c>, checked against the canonical window.
/// </summary>
public sealed class FlexAttentionWindowTests
{
    [Fact]
    public void ChunkTermIsChunkedAttentionFromKeyZero()
    {
        // Llama 4's local layers: causal within chunks of 8192.
        var window = new AttentionWindow(null, 0, chunkSize: 8192);
        var flex = window.ToFlexAttention();
        Assert.Equal(new FlexAttentionWindow(null, 0, WindowAlignment.BottomRight, ChunkSize: 8192), flex);
        Assert.Equal(window, AttentionWindow.FromFlexAttention(flex));

        // Chunks of 4 from key 0: query 9 (bottom-right, 10 x 10) sees 8..9; with a window of (1, 0) query 8 sees 8 only.
        var small = new FlexAttentionWindow(1, 0, WindowAlignment.BottomRight, ChunkSize: 4);
        Assert.True(small.IsVisible(9, 8, 10, 10));
        Assert.False(small.IsVisible(8, 7, 10, 10));
        Assert.True(small.IsVisible(8, 8, 10, 10));

        // A bottom-right query whose shifted index is negative (Q_LEN > KV_LEN) lies in chunk -1 under Python's //: no key.
        var unbounded = new FlexAttentionWindow(null, null, WindowAlignment.BottomRight, ChunkSize: 4);
        Assert.False(unbounded.IsVisible(0, 0, 6, 4));
        Assert.Equal(new KeyRange(0, 0), AttentionWindow.FromFlexAttention(unbounded).VisibleKeys(0, 6, 4));
        Assert.True(unbounded.IsVisible(2, 0, 6, 4));
    }

    [Fact]
    public void SinkTermKeepsTheFirstKeysButNotFutureOnes()
    {
        // StreamingLLM: 4 sinks beside a causal window of 1020 keys.
        var window = new AttentionWindow(1019, 0, sinkTokens: 4);
        var flex = window.ToFlexAttention();
        Assert.Equal(new FlexAttentionWindow(1019, 0, WindowAlignment.BottomRight, SinkTokens: 4), flex);
        Assert.Equal(window, AttentionWindow.FromFlexAttention(flex));

        // (1, 0) with 2 sinks, 8 x 8: query 6 sees sinks 0, 1 and its band 5, 6; query 0 does not see sink 1 (its future).
        var small = new FlexAttentionWindow(1, 0, WindowAlignment.TopLeft, SinkTokens: 2);
        var canonical = AttentionWindow.FromFlexAttention(small);
        Assert.Equal(new[] { true, true, false, false, false, true, true, false }, Row(small, 6));
        Assert.Equal(new[] { true, false, false, false, false, false, false, false }, Row(small, 0));
        for (var query = 0; query < 8; query++)
        for (var key = 0; key < 8; key++)
        {
            Assert.Equal(small.IsVisible(query, key, 8, 8), canonical.IsVisible(query, key, 8, 8));
        }

        static bool[] Row(FlexAttentionWindow flex, int query)
        {
            var row = new bool[8];
            for (var key = 0; key < 8; key++)
            {
                row[key] = flex.IsVisible(query, key, 8, 8);
            }

            return row;
        }
    }

    [Fact]
    public void TermsThatMeanNothingOrCannotCombineAreHandled()
    {
        // No left bound: the sink term adds nothing, and reads back as no sinks; 0 sinks likewise.
        Assert.Equal(AttentionWindow.Causal(), AttentionWindow.FromFlexAttention(new FlexAttentionWindow(null, 0, WindowAlignment.BottomRight, SinkTokens: 4)));
        Assert.Equal(AttentionWindow.Causal(3), AttentionWindow.FromFlexAttention(new FlexAttentionWindow(3, 0, WindowAlignment.BottomRight, SinkTokens: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionWindow.FromFlexAttention(new FlexAttentionWindow(3, 0, WindowAlignment.BottomRight, ChunkSize: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionWindow.FromFlexAttention(new FlexAttentionWindow(3, 0, WindowAlignment.BottomRight, SinkTokens: -1)));
        var error = Assert.Throws<NotSupportedException>(() => AttentionWindow.FromFlexAttention(new FlexAttentionWindow(3, 0, WindowAlignment.BottomRight, ChunkSize: 8, SinkTokens: 2)));
        Assert.Contains("sink", error.Message);
    }
}
