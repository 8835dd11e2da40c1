using Xunit;

namespace KernelGen.Runtime.Tests.Windows;

/// <summary>
/// The tile-range arithmetic the kernels run, checked exhaustively against <see cref="AttentionWindow.IsVisible"/>:
/// no visible key in a skipped tile, no hidden key in an unmasked tile.
/// </summary>
public sealed class KeyTilePlanTests
{
    [Fact]
    public void SkippedTilesHoldNoVisibleKeyAndUnmaskedTilesNoHiddenKey()
    {
        int?[] bounds = { null, -3, -1, 0, 1, 2, 3, 7, 16 };
        var checkedTiles = 0;
        foreach (var alignment in new[] { WindowAlignment.BottomRight, WindowAlignment.TopLeft })
        foreach (var left in bounds)
        foreach (var right in bounds)
        foreach (var (queryTile, keyTile) in new[] { (1, 1), (2, 3), (4, 4), (3, 8) })
        for (var seqQ = 1; seqQ <= 9; seqQ++)
        for (var seqK = 1; seqK <= 9; seqK++)
        {
            var window = new AttentionWindow(left, right, alignment);
            for (var queryStart = 0; queryStart < seqQ; queryStart += queryTile)
            {
                var queryEnd = System.Math.Min(queryStart + queryTile, seqQ);
                var plan = window.PlanKeyTiles(queryStart, queryEnd, seqQ, seqK, keyTile);
                Assert.InRange(plan.FirstUnmaskedTile, plan.FirstTile, System.Math.Max(plan.FirstTile, plan.EndTile));
                Assert.InRange(plan.EndUnmaskedTile, plan.FirstUnmaskedTile, System.Math.Max(plan.FirstUnmaskedTile, plan.EndTile));
                for (var tile = 0; tile * keyTile < seqK; tile++)
                {
                    var visited = tile >= plan.FirstTile && tile < plan.EndTile;
                    for (var query = queryStart; query < queryEnd; query++)
                    for (var slot = 0; slot < keyTile; slot++)
                    {
                        var key = (tile * keyTile) + slot;
                        var visible = key < seqK && window.IsVisible(query, key, seqQ, seqK);
                        Assert.False(!visited && visible, $"{window} {seqQ}x{seqK}: skipped tile {tile} holds visible key {key} of query {query}");
                        Assert.False(visited && !plan.NeedsMask(tile) && !visible, $"{window} {seqQ}x{seqK}: unmasked tile {tile} holds hidden key {key} of query {query}");
                    }

                    checkedTiles++;
                }
            }
        }

        Assert.True(checkedTiles > 100_000);
    }

    [Fact]
    public void InteriorTilesSkipTheMask()
    {
        // A 64-key causal window over 256 queries and keys in tiles of 16: the tile of queries 128..143 visits
        // key tiles 4..8, and only the tiles that cross an edge (4 and 8) are masked.
        var plan = AttentionWindow.Causal(64).PlanKeyTiles(128, 144, 256, 256, 16);
        Assert.Equal((4, 9, 5, 8), (plan.FirstTile, plan.EndTile, plan.FirstUnmaskedTile, plan.EndUnmaskedTile));
    }

    [Fact]
    public void HugeBoundsAreSafe()
    {
        var plan = new AttentionWindow(int.MaxValue - 1, int.MaxValue).PlanKeyTiles(0, 64, 1 << 20, 1 << 20, 64);
        Assert.Equal((0, (1 << 20) / 64), (plan.FirstTile, plan.EndTile));
        Assert.Equal(0, plan.FirstUnmaskedTile);
    }
}
