using System;
using Xunit;

namespace KernelGen.Runtime.Tests.Conventions;

/// <summary>
/// Microsoft.ML.GenAI's <c>MakeCasualMask</c>, case by case: a prefill is a sliding window of slidingWindow + 1 keys;
/// everything else that is no sliding window is refused with what it does instead.
/// </summary>
public sealed class MicrosoftMLGenAIWindowTests
{
    private static readonly MicrosoftMLGenAIWindow Window3 = new(3);

    [Fact]
    public void PrefillShowsSlidingWindowPlusOneKeys()
    {
        // tril(ones([6, 6]), -3 - 1) hides keys up to i - 4: query 5 sees keys 2..5, four keys.
        Assert.True(Window3.AppliesWindow(6, 6, out _));
        Assert.Equal(AttentionWindow.Causal(3), AttentionWindow.FromMicrosoftMLGenAI(Window3));
        Assert.False(Window3.IsVisible(5, 1, 6, 6));
        Assert.True(Window3.IsVisible(5, 2, 6, 6));

        // A .NET user who passes HF's config.sliding_window = 4096 gets one key more than HF shows.
        Assert.Equal(AttentionWindow.Causal(4096), AttentionWindow.FromMicrosoftMLGenAI(new MicrosoftMLGenAIWindow(4096)));
        Assert.Equal(AttentionWindow.Causal(4095), AttentionWindow.FromHuggingFace(new HuggingFaceWindow(4096, IsCausal: true)));
    }

    [Fact]
    public void DecodeWithinTheWindowShowsTheWholeCache()
    {
        // One query after 3 cached keys: the 1 x 1 window mask is tril(ones([1, 1]), -1), false: all 4 keys, as (3, 0) shows.
        Assert.True(Window3.AppliesWindow(1, 4, out _));
        for (var key = 0; key < 4; key++)
        {
            Assert.True(Window3.IsVisible(0, key, 1, 4));
        }
    }

    [Fact]
    public void DecodePastTheWindowHidesEveryKey()
    {
        // After 4 cached keys the 1 x 1 window mask is true, and broadcasting it masks the whole row.
        Assert.False(Window3.AppliesWindow(1, 5, out var reason));
        Assert.Contains("hides every key", reason);
        for (var key = 0; key < 5; key++)
        {
            Assert.False(Window3.IsVisible(0, key, 1, 5));
        }
    }

    [Fact]
    public void PrefillAfterCachedKeysFails()
    {
        // 2 queries after 3 cached keys: a [2, 2] mask cannot fill a [2, 5] one.
        Assert.False(Window3.AppliesWindow(2, 5, out var reason));
        Assert.Contains("do not broadcast", reason);
        Assert.Throws<InvalidOperationException>(() => Window3.IsVisible(0, 0, 2, 5));

        // Without a window there is no [tgt, tgt] mask to mismatch: a plain causal mask.
        Assert.True(new MicrosoftMLGenAIWindow(null).AppliesWindow(2, 5, out _));
    }

    [Fact]
    public void WindowsThatAreNotCausalAreRefused()
    {
        Assert.Throws<WindowNotExpressibleException>(() => new AttentionWindow(3, 3).ToMicrosoftMLGenAI());
        Assert.Throws<WindowNotExpressibleException>(() => new AttentionWindow(3, 0, WindowAlignment.TopLeft).ToMicrosoftMLGenAI());
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionWindow.FromMicrosoftMLGenAI(new MicrosoftMLGenAIWindow(-1)));
    }
}
