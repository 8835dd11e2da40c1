using System.Linq;
using Xunit;

namespace KernelGen.Runtime.Tests.Windows;

/// <summary>
/// The per-element mask the kernels run and the closed-form count of visible pairs, checked exhaustively against
/// <see cref="AttentionWindow.IsVisible"/> on small sizes.
/// </summary>
public sealed class WindowMaskTests
{
    private static readonly int?[] Bounds = { null, -3, -1, 0, 1, 2, 5, 40 };

    [Fact]
    public void MaskAndKeyRangesAgreeWithTheCanonicalWindow()
    {
        foreach (var window in Windows())
        for (var seqQ = 1; seqQ <= 9; seqQ++)
        for (var seqK = 1; seqK <= 9; seqK++)
        {
            var bounds = new RuntimeWindowBounds(window);
            var offset = window.DiagonalOffset(seqQ, seqK);
            for (var query = 0; query < seqQ; query++)
            {
                var range = WindowMask.VisibleKeys(bounds, query, offset, seqK);
                Assert.InRange(range.Start, 0, seqK);
                Assert.InRange(range.End, range.Start, seqK);
                for (var key = 0; key < seqK + 2; key++)
                {
                    var expected = key < seqK && window.IsVisible(query, key, seqQ, seqK);
                    Assert.Equal(expected, WindowMask.IsVisible(bounds, query, key, offset, seqK));
                    Assert.Equal(expected, key >= range.Start && key < range.End);
                }
            }
        }
    }

    [Fact]
    public void VisiblePairsCountsEveryVisiblePair()
    {
        foreach (var window in Windows())
        for (var seqQ = 1; seqQ <= 12; seqQ++)
        for (var seqK = 1; seqK <= 12; seqK++)
        {
            var counted = Enumerable.Range(0, seqQ).Sum(query => (long)Enumerable.Range(0, seqK).Count(key => window.IsVisible(query, key, seqQ, seqK)));
            Assert.True(counted == window.VisiblePairs(seqQ, seqK), $"{window} {seqQ}x{seqK}: counted {counted}, closed form {window.VisiblePairs(seqQ, seqK)}");
        }
    }

    [Theory]
    [InlineData(int.MaxValue, int.MaxValue, 100_000, 70_000)]
    [InlineData(4095, 0, 65_536, 65_536)]
    [InlineData(null, 0, 70_000, 100_000)]
    [InlineData(int.MaxValue, null, 3, 100_000)]
    [InlineData(-5, int.MaxValue, 100_000, 1)]
    public void VisiblePairsIsExactForLargeSizes(int? left, int? right, int seqQ, int seqK)
    {
        foreach (var alignment in new[] { WindowAlignment.BottomRight, WindowAlignment.TopLeft })
        {
            var window = new AttentionWindow(left, right, alignment);
            var counted = Enumerable.Range(0, seqQ).Sum(query => (long)window.VisibleKeys(query, seqQ, seqK).Count);
            Assert.Equal(counted, window.VisiblePairs(seqQ, seqK));
        }
    }

    [Fact]
    public void GeneratedVisiblePairsUsesTheSpecsWindow()
    {
        Assert.Equal(Kernels.CausalWindow5.Window.VisiblePairs(300, 500), Kernels.CausalWindow5.VisiblePairs(300, 500));
        Assert.Equal(6L * 300 - 15, Kernels.CausalWindow5.VisiblePairs(300, 300));
        Assert.Equal(0, AttentionWindow.Unbounded.VisiblePairs(0, 5));
    }

    private static System.Collections.Generic.IEnumerable<AttentionWindow> Windows() =>
        from alignment in new[] { WindowAlignment.BottomRight, WindowAlignment.TopLeft }
        from left in Bounds
        from right in Bounds
        select new AttentionWindow(left, right, alignment);
}
