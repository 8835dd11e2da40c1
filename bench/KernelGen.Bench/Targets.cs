using System.Collections.Generic;
using System.Linq;
using Spectre.Console;

namespace KernelGen.Bench;

/// <summary>The CPU kernel's targets (issue: "A generated CPU kernel"), checked against this run's figures.</summary>
internal static class Targets
{
    /// <summary>One row per target: met or missed, the target, and this run's figure.</summary>
    public static Table Check(IReadOnlyList<Row> rows, double peak, double bandwidth)
    {
        var table = new Table().AddColumns("", "target", "this run");
        table.Columns[2].RightAligned();
        var prefill = rows.Where(row => !row.Decode).ToList();

        if (Find(prefill, 4096, 256, 64, 8) is { } main)
        {
            Report($"S 4096, window 256, head 64, 8/2 heads: >= 5x ONNX Runtime", main.PeerMs / main.BakedMs, 5, "x");
            Report($"S 4096, window 256, head 64, 8/2 heads: >= 40% of the FMA peak", 100 * main.Gflops / peak, 40, "%");
        }

        if (Find(prefill, 16384, 256, 64, 8) is { } longest)
        {
            Report($"S 16384, window 256, head 64, 8/2 heads: >= 50% of the FMA peak", 100 * longest.Gflops / peak, 50, "%");
        }

        // At a fixed window, time per visible pair for every S >= 4W: the slowest within 15% of the fastest.
        foreach (var group in prefill.Where(row => row.Shape.SeqQ >= 4 * row.Spec.WindowKeys).GroupBy(row => (row.Spec.WindowKeys, row.Spec.HeadDim, row.Shape.Heads)))
        {
            if (group.Count() < 2)
            {
                continue;
            }

            var spread = 100 * ((group.Max(row => row.NanosecondsPerPairPerHead) / group.Min(row => row.NanosecondsPerPairPerHead)) - 1);
            Report($"window {group.Key.WindowKeys}, head {group.Key.HeadDim}, {group.Key.Heads} heads, S {group.Min(row => row.Shape.SeqQ)}..{group.Max(row => row.Shape.SeqQ)}: time per pair spread <= 15%", spread, 15, "%", atMost: true);
        }

        var headRatios = prefill.Where(row => row.Spec.HeadDim == 128)
            .Select(row => (Row: row, Head64: Find(prefill, row.Shape.SeqQ, row.Spec.WindowKeys, 64, row.Shape.Heads)))
            .Where(pair => pair.Head64 is not null)
            .Select(pair => pair.Row.Gflops / pair.Head64!.Gflops)
            .ToList();
        if (headRatios.Count > 0)
        {
            Report("head 128 reaches >= 80% of head 64's GFLOP/s (worst shape)", 100 * headRatios.Min(), 80, "%");
        }

        Report("the baked window is never slower than the runtime window (worst baked/runtime)", rows.Max(row => row.BakedMs / row.RuntimeMs), 1, "", atMost: true);

        foreach (var decode in rows.Where(row => row.Decode))
        {
            Report($"decode ({decode.Shape.Heads}/{decode.Shape.KvHeads} heads, head {decode.Spec.HeadDim}, window {decode.Spec.WindowKeys}): >= 50% of the read bandwidth", 100 * decode.DecodeGigabytesPerSecond / bandwidth, 50, "%");
        }

        return table;

        void Report(string target, double? value, double limit, string unit, bool atMost = false)
        {
            var (verdict, figure) = value is double measured
                ? ((atMost ? measured <= limit : measured >= limit) ? "MET" : "MISS", $"{measured:F2}{unit}")
                : ("-", "not measured");
            table.AddRow(new Text(verdict), new Text(target), new Text(figure));
        }
    }

    private static Row? Find(IEnumerable<Row> rows, int seq, int window, int head, int heads) =>
        rows.FirstOrDefault(row => row.Shape.SeqQ == seq && row.Spec.WindowKeys == window && row.Spec.HeadDim == head && row.Shape.Heads == heads);
}
