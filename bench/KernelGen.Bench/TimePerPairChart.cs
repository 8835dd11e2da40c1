using System;
using System.Collections.Generic;
using System.Linq;
using ScottPlot;

namespace KernelGen.Bench;

/// <summary>
/// The run as a picture: time per visible (query, key) pair and head against the sequence length, one panel per
/// window, head size and head layout, one line per kernel. A kernel that skips what the window hides stays flat; one
/// that computes the whole causal product and masks afterwards (ONNX Runtime) climbs with S. Decode is left out: it
/// has one sequence length.
/// </summary>
internal static class TimePerPairChart
{
    private const int PanelColumns = 4;
    private const int PanelWidth = 420;
    private const int PanelHeight = 340;
    private const double LegendHeadroom = 1.35;

    // Each kernel keeps its colour in every panel, whichever kernels a panel lacks.
    private static readonly (string Name, Func<Row, double?> Milliseconds, LinePattern Pattern)[] Kernels =
    [
        ("KernelGen CPU kernel, baked window", row => row.BakedMs, LinePattern.Solid),
        ("KernelGen CPU kernel, runtime window", row => row.RuntimeMs, LinePattern.Dashed),
        ("KernelGen ILGPU kernel (CUDA)", row => row.IlgpuMs, LinePattern.Solid),
        ("ONNX Runtime GroupQueryAttention (CPU)", row => row.PeerMs, LinePattern.Solid),
    ];

    /// <summary>Writes the chart of <paramref name="rows"/> to <paramref name="path"/> as a PNG.</summary>
    public static void Save(IReadOnlyList<Row> rows, string path)
    {
        var panels = rows.Where(row => !row.Decode)
            .GroupBy(row => (row.Spec.WindowKeys, row.Spec.HeadDim, row.Shape.Heads, row.Shape.KvHeads))
            .ToList();
        var columns = Math.Min(PanelColumns, panels.Count);
        var gridRows = (panels.Count + columns - 1) / columns;
        var multiplot = new Multiplot();
        multiplot.AddPlots(panels.Count);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(gridRows, columns);
        for (var index = 0; index < panels.Count; index++)
        {
            var (window, head, heads, kvHeads) = panels[index].Key;
            Draw(multiplot.GetPlot(index), $"window {window}, head {head}, heads {heads}/{kvHeads}", panels[index].ToList(), withLegend: index == 0);
        }

        multiplot.SavePng(path, columns * PanelWidth, gridRows * PanelHeight);
    }

    private static void Draw(Plot plot, string title, IReadOnlyList<Row> rows, bool withLegend)
    {
        var palette = new ScottPlot.Palettes.Category10();
        for (var index = 0; index < Kernels.Length; index++)
        {
            var (name, milliseconds, pattern) = Kernels[index];
            var measured = rows.Where(row => milliseconds(row) is not null).OrderBy(row => row.Shape.SeqQ).ToList();
            if (measured.Count == 0)
            {
                continue;
            }

            var line = plot.Add.Scatter(
                measured.Select(row => Math.Log2(row.Shape.SeqQ)).ToArray(),
                measured.Select(row => row.NanosecondsPerPairPerHeadIn(milliseconds(row)!.Value)).ToArray());
            line.LegendText = name;
            line.LinePattern = pattern;
            line.Color = palette.GetColor(index);
        }

        // The lengths double from one row to the next: even steps on a log axis, labelled with the lengths themselves.
        var lengths = rows.Select(row => row.Shape.SeqQ).Distinct().Order().ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            lengths.Select(length => Math.Log2(length)).ToArray(), lengths.Select(length => length.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Title(title);
        plot.XLabel("S (queries = keys)");
        plot.YLabel("ns per visible pair per head");

        // From zero, so that a flat line reads as flat, and with room at the top for the legend (where lines that
        // climb with S have not yet climbed).
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, plot.Axes.GetLimits().Top * LegendHeadroom);
        if (withLegend)
        {
            plot.ShowLegend(Alignment.UpperLeft);
        }
        else
        {
            plot.HideLegend();
        }
    }
}
