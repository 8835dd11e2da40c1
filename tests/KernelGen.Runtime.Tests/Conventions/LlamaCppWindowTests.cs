using System;
using Xunit;

namespace KernelGen.Runtime.Tests.Conventions;

/// <summary>llama.cpp's window, checked against the arithmetic of <c>is_masked_swa</c> and <c>set_input_kq_mask</c>.</summary>
public sealed class LlamaCppWindowTests
{
    [Fact]
    public void StandardTypeShowsNSwaKeys()
    {
        // Masked when p1 - p0 >= n_swa: query position 10 with n_swa 4 sees positions 7..10.
        var window = AttentionWindow.FromLlamaCpp(new LlamaCppWindow(4, LlamaSwaType.Standard, CausalAttn: true));
        Assert.Equal(AttentionWindow.Causal(3), window);
        Assert.Equal(new KeyRange(7, 11), window.VisibleKeys(10, 11, 11));
        Assert.Equal(new LlamaCppWindow(4096, LlamaSwaType.Standard, true), AttentionWindow.Causal(4095).ToLlamaCpp());
    }

    [Fact]
    public void SymmetricTypeShowsHalfOnEachSide()
    {
        // Masked when p1 - p0 < -(n_swa / 2) or > n_swa / 2, integer division: n_swa 5 and 4 are both (2, 2).
        Assert.Equal(new AttentionWindow(2, 2), AttentionWindow.FromLlamaCpp(new LlamaCppWindow(5, LlamaSwaType.Symmetric, CausalAttn: false)));
        Assert.Equal(new AttentionWindow(2, 2), AttentionWindow.FromLlamaCpp(new LlamaCppWindow(4, LlamaSwaType.Symmetric, CausalAttn: false)));
        Assert.Equal(new LlamaCppWindow(4, LlamaSwaType.Symmetric, false), new AttentionWindow(2, 2).ToLlamaCpp());
    }

    [Fact]
    public void NoWindowTypeIsCausalOrUnmasked()
    {
        Assert.Equal(AttentionWindow.Causal(), AttentionWindow.FromLlamaCpp(new LlamaCppWindow(0, LlamaSwaType.None, CausalAttn: true)));
        Assert.Equal(AttentionWindow.Unbounded, AttentionWindow.FromLlamaCpp(new LlamaCppWindow(0, LlamaSwaType.None, CausalAttn: false)));
    }

    /// <summary>Chunked attention (Llama 4) is not a band: KernelGen says so rather than guess a window.</summary>
    [Fact]
    public void ChunkedTypeIsRefusedWithTheReason()
    {
        var chunked = new LlamaCppWindow(8192, LlamaSwaType.Chunked, CausalAttn: true);
        var error = Assert.Throws<NotSupportedException>(() => AttentionWindow.FromLlamaCpp(chunked));
        Assert.Contains("chunk", error.Message);
        Assert.Contains("cannot express chunked attention yet", error.Message);

        // Its native test shows why: query position 9 with n_swa 4 sees only 8..9, query 7 sees 4..7.
        var small = chunked with { NSwa = 4 };
        Assert.False(small.IsVisible(9, 7, 10, 10));
        Assert.True(small.IsVisible(9, 8, 10, 10));
        Assert.True(small.IsVisible(7, 4, 10, 10));
    }

    [Fact]
    public void WindowsLlamaCppCannotExpressAreRefused()
    {
        Assert.Throws<WindowNotExpressibleException>(() => new AttentionWindow(3, 0, WindowAlignment.TopLeft).ToLlamaCpp());
        Assert.Throws<WindowNotExpressibleException>(() => new AttentionWindow(3, 1).ToLlamaCpp());
        Assert.Throws<WindowNotExpressibleException>(() => new AttentionWindow(int.MaxValue, 0).ToLlamaCpp());
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionWindow.FromLlamaCpp(new LlamaCppWindow(0, LlamaSwaType.Standard, true)));
    }

    [Fact]
    public void ConventionReadsLeftAsTheStandardTypesNSwa()
    {
        Assert.True(WindowConventions.TryRead(Backend.LlamaCpp, 4096, 0, causal: false, out var left, out var right, out _));
        Assert.Equal((4095, 0), (left, right));
        Assert.False(WindowConventions.TryRead(Backend.LlamaCpp, 4096, 4096, causal: false, out _, out _, out var error));
        Assert.Contains("Symmetric", error);
    }
}
