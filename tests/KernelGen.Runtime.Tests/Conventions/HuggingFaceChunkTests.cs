using System;
using Xunit;

namespace KernelGen.Runtime.Tests.Conventions;

/// <summary>
/// HF transformers' chunked layers (<c>masking_utils.py</c>: <c>create_chunked_causal_mask</c>, <c>chunked_overlay</c>):
/// <c>kv_idx &lt;= q_idx</c> and <c>(kv_idx - left_padding) // S == (q_idx - left_padding) // S</c>, modelled on the
/// unpadded row (left padding 0).
/// </summary>
public sealed class HuggingFaceChunkTests
{
    [Fact]
    public void AttentionChunkSizeIsCausalChunkedAttention()
    {
        // Llama 4: attention_chunk_size 8192 on its chunked_attention layers.
        var window = new AttentionWindow(null, 0, chunkSize: 8192);
        var hf = new HuggingFaceWindow(0, IsCausal: true, AttentionChunkSize: 8192);
        Assert.Equal(hf, window.ToHuggingFace());
        Assert.Equal(window, AttentionWindow.FromHuggingFace(hf));

        // sliding_window is not read on a chunked layer.
        Assert.Equal(window, AttentionWindow.FromHuggingFace(hf with { SlidingWindow = 4096 }));

        // Chunks of 3 on 6 x 6 (the unpadded row): query 4 sees 3..4, query 2 sees 0..2.
        var small = new HuggingFaceWindow(0, true, 3);
        Assert.True(small.IsVisible(4, 3, 6, 6));
        Assert.False(small.IsVisible(4, 2, 6, 6));
        Assert.False(small.IsVisible(4, 5, 6, 6));
        Assert.True(small.IsVisible(2, 0, 6, 6));
    }

    [Fact]
    public void OnlyCausalChunksWithoutAWindowAreHfs()
    {
        Assert.Throws<WindowNotExpressibleException>(() => new AttentionWindow(100, 0, chunkSize: 8192).ToHuggingFace());
        Assert.Throws<WindowNotExpressibleException>(() => new AttentionWindow(null, null, chunkSize: 8192).ToHuggingFace());
        Assert.Throws<NotSupportedException>(() => AttentionWindow.FromHuggingFace(new HuggingFaceWindow(0, IsCausal: false, AttentionChunkSize: 8)));
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionWindow.FromHuggingFace(new HuggingFaceWindow(0, true, 0)));
        Assert.Contains("left padding", BackendDescriptor.For(Backend.HuggingFace).NormalForm);
    }
}
