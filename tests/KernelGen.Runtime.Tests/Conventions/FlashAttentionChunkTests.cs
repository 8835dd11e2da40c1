using System;
using Xunit;

namespace KernelGen.Runtime.Tests.Conventions;

/// <summary>
/// FlashAttention 3's <c>attention_chunk</c> (<c>hopper/mask.h</c>): the chunk starts at
/// <c>round_down(row_idx + seqlen_k - seqlen_q)</c>, intersected with the local window.
/// </summary>
public sealed class FlashAttentionChunkTests
{
    [Fact]
    public void AttentionChunkIsChunkedAttentionFromKeyZero()
    {
        // Llama 4's local layers: causal within chunks of 8192.
        var window = new AttentionWindow(null, 0, chunkSize: 8192);
        Assert.Equal(new FlashAttentionWindow(-1, 0, 8192), window.ToFlashAttention());
        Assert.Equal(window, AttentionWindow.FromFlashAttention(new FlashAttentionWindow(-1, 0, 8192)));

        // 3 new rows after 7 cached keys, chunks of 4: row 0 is position 7 (chunk 4..7), rows 1 and 2 positions 8, 9 (chunk 8..11).
        var fa3 = new FlashAttentionWindow(-1, 0, 4);
        Assert.True(fa3.IsVisible(0, 4, 3, 10));
        Assert.False(fa3.IsVisible(0, 3, 3, 10));
        Assert.False(fa3.IsVisible(1, 7, 3, 10));
        Assert.True(fa3.IsVisible(2, 8, 3, 10));

        // attention_chunk 0 (the default) is no chunk; a negative one is not defined.
        Assert.Equal(AttentionWindow.Causal(), AttentionWindow.FromFlashAttention(new FlashAttentionWindow(-1, 0, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionWindow.FromFlashAttention(new FlashAttentionWindow(-1, 0, -4)));
    }

    [Fact]
    public void MoreQueriesThanKeysIsRefusedAtRunTime()
    {
        // hopper's FastDivmod divides unsigned: a negative position (seqlen_q > seqlen_k) has no defined chunk start here.
        var descriptor = BackendDescriptor.For(Backend.FlashAttention2);
        var parameters = new FlashAttentionWindow(2, 0, 4);
        Assert.False(descriptor.AppliesWindow(parameters, 6, 4, out var reason));
        Assert.Contains("attention_chunk", reason);
        Assert.Throws<InvalidOperationException>(() => parameters.IsVisible(0, 0, 6, 4));
        Assert.True(descriptor.AppliesWindow(parameters, 4, 6, out _));
        Assert.True(descriptor.AppliesWindow(new FlashAttentionWindow(2, 0), 6, 4, out _));
    }
}
