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

    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $" {History,-21} | {KernelGenMs,11:F3} {GigabytesPerSecond,6:F1} {KernelGenVersusReference,8:E1} | {Peer(Past, 11)} | {Peer(Window, 13)} | {Peer(WindowWithSlack, 16)}");

    public string Csv(CachedBenchSpec spec) => string.Join(",",
        $"\"{History}\"", Lengths.Length, spec.WindowKeys, spec.HeadDim, CachedDecodeBenchmark.Heads, CachedDecodeBenchmark.KvHeads,
        Number(KernelGenMs), Number(GigabytesPerSecond),
        Number(Past?.Ms), Number(Past?.Ms / KernelGenMs), Number(Past?.Difference),
        Number(Window?.Ms), Number(Window?.Ms / KernelGenMs), Number(Window?.Difference),
        Number(WindowWithSlack?.Ms), Number(WindowWithSlack?.Ms / KernelGenMs), Number(WindowWithSlack?.Difference),
        Number(KernelGenVersusReference));

    private string Peer((double Ms, double Difference)? peer, int width) => peer is (double ms, double difference)
        ? $"{Fixed(ms, "F3").PadLeft(width)} {Fixed(ms / KernelGenMs, "F1"),6} {Fixed(difference, "E1"),7}"
        : $"{"-".PadLeft(width)} {"-",6} {"-",7}";

    private static string Fixed(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Number(double? value) => value is double number ? number.ToString("G6", CultureInfo.InvariantCulture) : string.Empty;
}
