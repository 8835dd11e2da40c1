using System.Linq;
using System.Globalization;

namespace KernelGen.Bench;

/// <summary>
/// One measured decode through the cache: KernelGen's step time and its difference from the fp64 reference, and, for
/// batch 1, each ONNX Runtime cache's step time and its difference from KernelGen's output.
/// </summary>
internal sealed record CachedDecodeRow(int[] Lengths, double KernelGenMs, double GigabytesPerSecond, double KernelGenVersusReference)
{
    public (double Ms, double Difference)? Past { get; init; }

    public (double Ms, double Difference)? Window { get; init; }

    public (double Ms, double Difference)? WindowWithSlack { get; init; }

    private string History => string.Join(",", Lengths);

    /// <summary>The table's column headers, one per cell of <see cref="Cells"/>.</summary>
    public static readonly string[] Columns =
    {
        "history (per row)", "KG cache ms", "GB/s", "|KG - fp64|",
        "ORT past ms", "ratio", "|diff|", "ORT window ms", "ratio", "|diff|", "ORT window+16 ms", "ratio", "|diff|",
    };

    /// <summary>This row's cells under <see cref="Columns"/>; "-" where ONNX Runtime was not run (batches above 1).</summary>
    public string[] Cells() =>
        new[] { History, Fixed(KernelGenMs, "F3"), Fixed(GigabytesPerSecond, "F1"), Fixed(KernelGenVersusReference, "E1") }
            .Concat(Peer(Past)).Concat(Peer(Window)).Concat(Peer(WindowWithSlack)).ToArray();

    public string Csv(CachedBenchSpec spec) => string.Join(",",
        $"\"{History}\"", Lengths.Length, spec.WindowKeys, spec.HeadDim, CachedDecodeBenchmark.Heads, CachedDecodeBenchmark.KvHeads,
        Number(KernelGenMs), Number(GigabytesPerSecond),
        Number(Past?.Ms), Number(Past?.Ms / KernelGenMs), Number(Past?.Difference),
        Number(Window?.Ms), Number(Window?.Ms / KernelGenMs), Number(Window?.Difference),
        Number(WindowWithSlack?.Ms), Number(WindowWithSlack?.Ms / KernelGenMs), Number(WindowWithSlack?.Difference),
        Number(KernelGenVersusReference));

    private string[] Peer((double Ms, double Difference)? peer) => peer is (double ms, double difference)
        ? new[] { Fixed(ms, "F3"), Fixed(ms / KernelGenMs, "F1"), Fixed(difference, "E1") }
        : new[] { "-", "-", "-" };

    private static string Fixed(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Number(double? value) => value is double number ? number.ToString("G6", CultureInfo.InvariantCulture) : string.Empty;
}
