using System.Globalization;

namespace KernelGen.Bench;

/// <summary>One measured shape: each kernel's time, and what follows from it.</summary>
internal sealed record Row(
    BenchSpec Spec, AttentionShape Shape, bool Decode, double BakedMs, double RuntimeMs, double? IlgpuMs, double? PeerMs, double? PeerDifference)
{
    /// <summary>The table's column headers, one per cell of <see cref="Cells"/>.</summary>
    public static readonly string[] Columns =
        ["seq", "window", "head", "heads", "baked ms", "GFLOP/s", "% peak", "runtime ms", "runtime/baked", "ONNX RT ms", "ORT/baked", "|ORT-KG|", "ns/pair/head", "ILGPU ms"];

    public const string CsvHeader =
        "seq_q,seq_k,window,head,heads,kv_heads,decode,baked_ms,useful_gflops,percent_fma_peak,runtime_ms,runtime_over_baked,onnxruntime_ms,onnxruntime_over_baked,max_abs_onnxruntime_vs_kernelgen,ns_per_visible_pair_per_head,ilgpu_ms,decode_gbps,percent_read_bandwidth";

    public string Name => Decode
        ? $"decode SeqK {Shape.SeqK}, window {Spec.WindowKeys}, head {Spec.HeadDim}, heads {Shape.Heads}/{Shape.KvHeads}"
        : $"S {Shape.SeqQ}, window {Spec.WindowKeys}, head {Spec.HeadDim}, heads {Shape.Heads}/{Shape.KvHeads}";

    public double Gflops => Spec.UsefulFlops(Shape) / (BakedMs * 1e6);

    public double NanosecondsPerPairPerHead => NanosecondsPerPairPerHeadIn(BakedMs);

    /// <summary>For decode: the keys and values the window shows, read once, over the time.</summary>
    public double DecodeGigabytesPerSecond =>
        2.0 * Spec.Window.VisiblePairs(Shape.SeqQ, Shape.SeqK) / Shape.SeqQ * Shape.KvHeads * Spec.HeadDim * sizeof(float) / (BakedMs * 1e6);

    /// <summary>This row's cells under <see cref="Columns"/>; "-" where a kernel was not run.</summary>
    public string[] Cells(double peak, double bandwidth) =>
    [
        Decode ? $"1x{Shape.SeqK}" : Shape.SeqQ.ToString(CultureInfo.InvariantCulture),
        Spec.WindowKeys.ToString(CultureInfo.InvariantCulture),
        Spec.HeadDim.ToString(CultureInfo.InvariantCulture),
        $"{Shape.Heads}/{Shape.KvHeads}",
        Figure(BakedMs, "F2"),
        Figure(Gflops, "F1"),
        Decode ? $"{Figure(100 * DecodeGigabytesPerSecond / bandwidth, "F0")}%bw" : Figure(100 * Gflops / peak, "F1"),
        Figure(RuntimeMs, "F2"),
        Figure(RuntimeMs / BakedMs, "F2"),
        Figure(PeerMs, "F1"),
        Figure(PeerMs / BakedMs, "F1"),
        Figure(PeerDifference, "E1"),
        Figure(NanosecondsPerPairPerHead, "F3"),
        Figure(IlgpuMs, "F2"),
    ];

    /// <summary>Nanoseconds per visible (query, key) pair and head for a call of <paramref name="milliseconds"/>: flat in S for a kernel that skips what the window hides.</summary>
    public double NanosecondsPerPairPerHeadIn(double milliseconds) =>
        milliseconds * 1e6 / (Spec.Window.VisiblePairs(Shape.SeqQ, Shape.SeqK) * (double)Shape.Heads);

    public string Csv(double peak, double bandwidth) => string.Join(",",
        Shape.SeqQ, Shape.SeqK, Spec.WindowKeys, Spec.HeadDim, Shape.Heads, Shape.KvHeads, Decode ? 1 : 0,
        Number(BakedMs), Number(Gflops), Number(100 * Gflops / peak), Number(RuntimeMs), Number(RuntimeMs / BakedMs),
        Number(PeerMs), Number(PeerMs / BakedMs), Number(PeerDifference), Number(NanosecondsPerPairPerHead), Number(IlgpuMs),
        Decode ? Number(DecodeGigabytesPerSecond) : string.Empty, Decode ? Number(100 * DecodeGigabytesPerSecond / bandwidth) : string.Empty);

    // A figure in the invariant culture, or "-" for a kernel that was not run.
    private static string Figure(double? value, string format) =>
        value is double number ? number.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Number(double? value) => value is double number ? number.ToString("G6", CultureInfo.InvariantCulture) : string.Empty;
}
