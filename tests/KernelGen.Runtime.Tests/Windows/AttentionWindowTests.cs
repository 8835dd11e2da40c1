using System.Linq;
using Xunit;

namespace KernelGen.Runtime.Tests.Windows;

/// <summary>The canonical semantics, checked on the worked examples of the conventions reference.</summary>
public sealed class AttentionWindowTests
{
    [Theory]
    // 1. sq = sk = 5, FlashAttention (2, 0).
    [InlineData(2, 0, WindowAlignment.BottomRight, 5, 5, "0|01|012|123|234")]
    // 2. sq = 2, sk = 5, (2, 0): bottom-right, then top-left.
    [InlineData(2, 0, WindowAlignment.BottomRight, 2, 5, "123|234")]
    [InlineData(2, 0, WindowAlignment.TopLeft, 2, 5, "0|01")]
    // 3. sq = 5, sk = 2, causal bottom-right: the first three rows see nothing.
    [InlineData(null, 0, WindowAlignment.BottomRight, 5, 2, "|||0|01")]
    // 4. sq = sk = 6, (1, 1).
    [InlineData(1, 1, WindowAlignment.BottomRight, 6, 6, "01|012|123|234|345|45")]
    // 5. sq = 4, sk = 5, (1, 2) bottom-right.
    [InlineData(1, 2, WindowAlignment.BottomRight, 4, 5, "0123|1234|234|34")]
    // 6. Decode: sq = 1, sk = 8, (3, 0) bottom-right.
    [InlineData(3, 0, WindowAlignment.BottomRight, 1, 8, "4567")]
    // 7. (0, 0): each row sees only itself.
    [InlineData(0, 0, WindowAlignment.BottomRight, 3, 3, "0|1|2")]
    // No mask.
    [InlineData(null, null, WindowAlignment.TopLeft, 2, 3, "012|012")]
    public void WorkedExamples(int? left, int? right, WindowAlignment alignment, int seqQ, int seqK, string expected)
    {
        var window = new AttentionWindow(left, right, alignment);
        var rows = Enumerable.Range(0, seqQ).Select(query =>
            string.Concat(Enumerable.Range(0, seqK).Where(key => window.IsVisible(query, key, seqQ, seqK))));
        Assert.Equal(expected, string.Join("|", rows));
    }

    [Fact]
    public void VisibleKeysMatchesIsVisibleForEveryPair()
    {
        int?[] bounds = { null, -2, -1, 0, 1, 2, 5, 40 };
        foreach (var alignment in new[] { WindowAlignment.BottomRight, WindowAlignment.TopLeft })
        foreach (var left in bounds)
        foreach (var right in bounds)
        for (var seqQ = 1; seqQ <= 7; seqQ++)
        for (var seqK = 1; seqK <= 7; seqK++)
        {
            var window = new AttentionWindow(left, right, alignment);
            var offset = alignment == WindowAlignment.BottomRight ? seqK - seqQ : 0;
            for (var query = 0; query < seqQ; query++)
            {
                var range = window.VisibleKeys(query, seqQ, seqK);
                for (var key = 0; key < seqK; key++)
                {
                    // The definition, written out independently.
                    var expected = (left is null || key >= query + offset - left) && (right is null || key <= query + offset + right);
                    Assert.Equal(expected, window.IsVisible(query, key, seqQ, seqK));
                    Assert.Equal(expected, key >= range.Start && key < range.End);
                }
            }
        }
    }

    [Fact]
    public void ExtremeBoundsDoNotOverflow()
    {
        var wide = new AttentionWindow(int.MaxValue, int.MaxValue);
        Assert.Equal(new KeyRange(0, int.MaxValue), wide.VisibleKeys(int.MaxValue - 1, int.MaxValue, int.MaxValue));
        var shifted = new AttentionWindow(int.MinValue, int.MaxValue);
        Assert.True(shifted.VisibleKeys(0, 1, int.MaxValue).IsEmpty);
        Assert.True(new AttentionWindow(int.MinValue, int.MinValue).IsEmpty);
        Assert.False(wide.IsEmpty);
    }

    [Fact]
    public void DescribesItselfInWords()
    {
        Assert.Equal("keys [i - 4095, i + 0] (bottom-right)", AttentionWindow.Causal(4095).ToString());
        Assert.Equal("keys [0, end] (top-left)", new AttentionWindow(null, null, WindowAlignment.TopLeft).ToString());
        Assert.Equal("keys [i + 1, i - 1] (bottom-right)", new AttentionWindow(-1, -1).ToString());
    }

    [Fact]
    public void RejectsUndefinedAlignment() =>
        Assert.Throws<System.ArgumentOutOfRangeException>(() => new AttentionWindow(1, 1, (WindowAlignment)5));
}
