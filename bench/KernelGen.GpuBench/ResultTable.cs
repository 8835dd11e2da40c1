using System;
using System.Globalization;
using System.IO;

namespace KernelGen.GpuBench;

/// <summary>One timed kernel: its time, and its useful throughput counted from the keys each query really sees.</summary>
internal sealed record BenchRow(BenchKernel Kernel, AttentionShape Shape, double Milliseconds, Fp32Peak Peak)
{
    /// <summary>
    /// Useful TFLOP/s: <c>4 * HeadDim * Heads * Batch</c> FLOP (q·k and p·v, a multiply and an add each) per visible
    /// (query, key) pair, the pairs counted exactly from the window. Masked-off work does not count.
    /// </summary>
    public double UsefulTeraFlops => 4.0 * Kernel.HeadDim * Shape.Heads * Shape.Batch * VisiblePairs() / (Milliseconds * 1e-3) / 1e12;

    private long VisiblePairs()
    {
        long pairs = 0;
        for (var query = 0; query < Shape.SeqQ; query++)
        {
            pairs += Kernel.Window.VisibleKeys(query, Shape.SeqQ, Shape.SeqK).Count;
        }

        return pairs;
    }
}

/// <summary>Prints rows as they come and, when given a path, writes them to a CSV file with the same columns as peers.py.</summary>
internal sealed class ResultTable : IDisposable
{
    private const string CsvHeader = "implementation,element_type,batch,heads,kv_heads,seq,window_keys,head_dim,ms,useful_tflops,pct_fp32_peak";
    private readonly StreamWriter? _csv;

    public ResultTable(string? csvPath)
    {
        if (csvPath is not null)
        {
            _csv = new StreamWriter(csvPath) { AutoFlush = true };
            _csv.WriteLine(CsvHeader);
        }

        Console.WriteLine($"{"implementation",-26} {"dtype",5} {"seq",6} {"window",6} {"head",4} {"ms",10} {"TFLOP/s",8} {"% FP32 peak",11}");
    }

    public void Add(BenchRow row)
    {
        var kernel = row.Kernel;
        var window = kernel.WindowKeys?.ToString(CultureInfo.InvariantCulture) ?? "none";
        var teraFlops = row.UsefulTeraFlops;
        var percent = row.Peak.PercentOf(teraFlops);
        Console.WriteLine(
            $"{kernel.Implementation,-26} {kernel.ElementName,5} {row.Shape.SeqQ,6} {window,6} {kernel.HeadDim,4} {row.Milliseconds,10:F3} {teraFlops,8:F2} {Format(percent, "F1"),11}");
        _csv?.WriteLine(string.Join(',',
            kernel.Implementation, kernel.ElementName, Invariant(row.Shape.Batch), Invariant(row.Shape.Heads), Invariant(row.Shape.KvHeads),
            Invariant(row.Shape.SeqQ), window, Invariant(kernel.HeadDim), row.Milliseconds.ToString("F4", CultureInfo.InvariantCulture),
            teraFlops.ToString("F3", CultureInfo.InvariantCulture), Format(percent, "F2")));
    }

    public void Dispose() => _csv?.Dispose();

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
}
