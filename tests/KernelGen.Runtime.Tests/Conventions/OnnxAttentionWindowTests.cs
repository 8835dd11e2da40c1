using System;
using System.Linq;
using Xunit;

namespace KernelGen.Runtime.Tests.Conventions;

/// <summary>ONNX Attention-25's window attributes, checked against onnx's own reference test.</summary>
public sealed class OnnxAttentionWindowTests
{
    /// <summary>
    /// onnx's <c>test_attention_asymmetric_bidirectional_window</c>: Q = K = 0 on 5 positions, V = 0..4, left 1, right 2,
    /// no cache. Each row averages the values it sees: 1, 1.5, 2.5, 3, 3.5.
    /// </summary>
    [Fact]
    public void ReferenceTestAsymmetricBidirectionalWindow()
    {
        var window = AttentionWindow.FromOnnxAttention(new OnnxAttentionWindow(1, 2, IsCausal: false, HasCache: false));
        Assert.Equal(new AttentionWindow(1, 2, WindowAlignment.TopLeft), window);
        var means = Enumerable.Range(0, 5).Select(query => window.VisibleKeys(query, 5, 5)).Select(keys => Enumerable.Range(keys.Start, keys.Count).Average());
        Assert.Equal(new[] { 1.0, 1.5, 2.5, 3.0, 3.5 }, means);
    }

    [Fact]
    public void CausalWindowWithACacheIsBottomRight()
    {
        // Decode: one query after 7 cached keys, is_causal, left_window_size 3: keys 4..7.
        var window = AttentionWindow.FromOnnxAttention(new OnnxAttentionWindow(3, -1, IsCausal: true, HasCache: true));
        Assert.Equal(AttentionWindow.Causal(3), window);
        Assert.Equal(new KeyRange(4, 8), window.VisibleKeys(0, 1, 8));
        Assert.Equal(new OnnxAttentionWindow(4095, -1, true, true), AttentionWindow.Causal(4095).ToOnnxAttention());
    }

    [Fact]
    public void WithoutACacheTheSameNumbersAreTopLeft()
    {
        var noCache = AttentionWindow.FromOnnxAttention(new OnnxAttentionWindow(3, -1, IsCausal: true, HasCache: false));
        Assert.Equal(new KeyRange(0, 1), noCache.VisibleKeys(0, 1, 8));
    }

    [Fact]
    public void NegativeSizesOtherThanMinusOneAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionWindow.FromOnnxAttention(new OnnxAttentionWindow(-2, -1, false, false)));
        Assert.Throws<WindowNotExpressibleException>(() => new AttentionWindow(-1, 3).ToOnnxAttention());
    }
}
