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

    /// <summary>
    /// Chunked attention (Llama 4's local layers): with causal_attn, <c>p0 &lt; (p1 / n_swa) * n_swa</c> hides the keys
    /// before the query's chunk and the causal mask those after it. Without causal_attn later chunks show, which is refused.
    /// </summary>
    [Fact]
    public void CausalChunkedTypeIsChunkedAttention()
    {
        var chunked = new LlamaCppWindow(8192, LlamaSwaType.Chunked, CausalAttn: true);
        var window = AttentionWindow.FromLlamaCpp(chunked);
        Assert.Equal(new AttentionWindow(null, 0, chunkSize: 8192), window);
        Assert.Equal(chunked, window.ToLlamaCpp());

        // Query position 9 with n_swa 4 sees only 8..9, query 7 sees 4..7: the same keys as the canonical window.
        var small = chunked with { NSwa = 4 };
        var smallWindow = AttentionWindow.FromLlamaCpp(small);
        for (var seqQ = 1; seqQ <= 10; seqQ++)
        for (var query = 0; query < seqQ; query++)
        for (var key = 0; key < 10; key++)
        {
            Assert.Equal(small.IsVisible(query, key, seqQ, 10), smallWindow.IsVisible(query, key, seqQ, 10));
        }

        var error = Assert.Throws<NotSupportedException>(() => AttentionWindow.FromLlamaCpp(chunked with { CausalAttn = false }));
        Assert.Contains("later chunks", error.Message);
        Assert.Throws<WindowNotExpressibleException>(() => new AttentionWindow(100, 0, chunkSize: 8192).ToLlamaCpp());
    }

    [Fact]
    public void NoOtherBackendDropsChunksOrSinks()
    {
        var chunked = new AttentionWindow(null, 0, chunkSize: 8192);
        var sinks = new AttentionWindow(1019, 0, sinkTokens: 4);
        foreach (var descriptor in BackendDescriptor.All)
        {
            Assert.Equal(descriptor.ExpressesChunks, descriptor.TryConvert(chunked, out _, out _));
            Assert.Equal(descriptor.ExpressesSinkTokens, descriptor.TryConvert(sinks, out _, out var reason));
            Assert.True(descriptor.ExpressesSinkTokens || reason!.Contains("sink"), reason);
        }
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
