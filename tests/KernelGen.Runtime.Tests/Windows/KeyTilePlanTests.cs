using System.Linq;
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
                    var visited = plan.Visits(tile);
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
    public void ChunksAndSinksSkipOnlyHiddenTilesAndMaskOnlyTheirEdges()
    {
        int?[] bounds = { null, -2, 0, 1, 3 };
        var checkedTiles = 0;
        foreach (var alignment in new[] { WindowAlignment.BottomRight, WindowAlignment.TopLeft })
        foreach (var left in bounds)
        foreach (var right in bounds)
        foreach (var (chunk, sinks) in new (int?, int)[] { (1, 0), (2, 0), (3, 0), (7, 0), (null, 1), (null, 3), (null, 5) })
        foreach (var (queryTile, keyTile) in new[] { (1, 1), (2, 3), (4, 4), (3, 2) })
        for (var seqQ = 1; seqQ <= 10; seqQ++)
        for (var seqK = 1; seqK <= 10; seqK++)
        {
            if (sinks > 0 && left is null)
            {
                continue;
            }

            var window = new AttentionWindow(left, right, alignment, chunk, sinks);
            for (var queryStart = 0; queryStart < seqQ; queryStart += queryTile)
            {
                var queryEnd = System.Math.Min(queryStart + queryTile, seqQ);
                var plan = window.PlanKeyTiles(queryStart, queryEnd, seqQ, seqK, keyTile);
                var visits = Enumerable.Range(0, plan.VisitCount).Select(plan.TileAt).ToArray();
                Assert.Equal(visits.Length, visits.Distinct().Count());
                for (var tile = 0; tile * keyTile < seqK; tile++)
                {
                    var visited = visits.Contains(tile);
                    Assert.Equal(visited, plan.Visits(tile));
                    for (var query = queryStart; query < queryEnd; query++)
                    for (var slot = 0; slot < keyTile; slot++)
                    {
                        var key = (tile * keyTile) + slot;
                        var visible = key < seqK && window.IsVisible(query, key, seqQ, seqK);
                        Assert.False(!visited && visible, $"{window} {seqQ}x{seqK}: skipped tile {tile} holds visible key {key} of query {query}");
                        Assert.False(visited && visible && (key < plan.TileKeyStart(tile, keyTile) || key >= plan.TileKeyEnd(tile, keyTile)), $"{window} {seqQ}x{seqK}: tile {tile} is cut before visible key {key} of query {query}");
                        Assert.False(visited && !plan.NeedsMask(tile) && !visible, $"{window} {seqQ}x{seqK}: unmasked tile {tile} holds hidden key {key} of query {query}");
                    }

                    checkedTiles++;
                }
            }
        }

        Assert.True(checkedTiles > 100_000);
    }

    [Fact]
    public void ChunkEdgesAreTheOnlyMaskedTiles()
    {
        // Causal, chunks of 64 keys, tiles of 16: the query tile 80..95 lies in chunk 64..127 and visits key tiles 4..5;
        // tile 4 (keys 64..79) is whole for every row, tile 5 crosses the diagonal. Tiles 0..3 (chunk 0) are skipped.
        var plan = new AttentionWindow(null, 0, chunkSize: 64).PlanKeyTiles(80, 96, 256, 256, 16);
        Assert.Equal((4, 6, 4, 5), (plan.FirstTile, plan.EndTile, plan.FirstUnmaskedTile, plan.EndUnmaskedTile));
    }

    [Fact]
    public void SinkTilesAreVisitedBeforeTheWindow()
    {
        // StreamingLLM's 4 sinks beside a 32-key window, tiles of 16: queries 128..143 visit sink tile 0, then tiles 6..8.
        var plan = new AttentionWindow(31, 0, sinkTokens: 4).PlanKeyTiles(128, 144, 256, 256, 16);
        Assert.Equal(new[] { 0, 6, 7, 8 }, Enumerable.Range(0, plan.VisitCount).Select(plan.TileAt));
        Assert.True(plan.NeedsMask(0));
        Assert.Equal((0, 4), (plan.TileKeyStart(0, 16), plan.TileKeyEnd(0, 16)));
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
