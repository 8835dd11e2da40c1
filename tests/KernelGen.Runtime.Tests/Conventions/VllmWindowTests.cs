using System;
using Xunit;

namespace KernelGen.Runtime.Tests.Conventions;

/// <summary>vLLM's <c>sliding_window</c>, checked against what its FlashAttention and FlashInfer backends are passed.</summary>
public sealed class VllmWindowTests
{
    [Fact]
    public void DecoderWindowIsWhatFlashAttentionAndFlashInferAreGiven()
    {
        // FlashAttentionImpl: window_size = (sliding_window - 1, 0); FlashInferImpl: window_left = sliding_window - 1.
        var window = AttentionWindow.FromVllm(new VllmWindow(4096, VllmAttentionType.Decoder));
        Assert.Equal(AttentionWindow.FromFlashAttention(new FlashAttentionWindow(4095, 0)), window);
        Assert.Equal(AttentionWindow.FromFlashInfer(new FlashInferWindow(4095, 0)), window);

        // The same W means the same keys as HF's causal mask: vLLM converts correctly.
        Assert.Equal(AttentionWindow.FromHuggingFace(new HuggingFaceWindow(4096, IsCausal: true)), window);
    }

    /// <summary>Encoder-only attention gets (W - 1, W - 1): one key fewer on each side than HF's bidirectional |q - kv| &lt;= W.</summary>
    [Fact]
    public void EncoderOnlyWindowIsOneKeyNarrowerThanHuggingFacesBidirectionalMask()
    {
        var vllm = AttentionWindow.FromVllm(new VllmWindow(128, VllmAttentionType.EncoderOnly));
        Assert.Equal(new AttentionWindow(127, 127), vllm);
        Assert.Equal(new AttentionWindow(128, 128), AttentionWindow.FromHuggingFace(new HuggingFaceWindow(128, IsCausal: false)));
    }

    [Fact]
    public void NoneIsNoWindowAndZeroIsRefused()
    {
        Assert.Equal(AttentionWindow.Causal(), AttentionWindow.FromVllm(new VllmWindow(null, VllmAttentionType.Decoder)));
        Assert.Equal(AttentionWindow.Unbounded, AttentionWindow.FromVllm(new VllmWindow(null, VllmAttentionType.EncoderOnly)));

        // sliding_window = 0 would reach FlashAttention as (-1, 0), its sentinel for no window.
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionWindow.FromVllm(new VllmWindow(0, VllmAttentionType.Decoder)));
        Assert.Throws<WindowNotExpressibleException>(() => new AttentionWindow(4, 2).ToVllm());
    }
}
