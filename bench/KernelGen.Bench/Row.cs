using System.Globalization;

namespace KernelGen.Bench;

/// <summary>One measured shape: each kernel's time, and what follows from it.</summary>
internal sealed record Row(
    BenchSpec Spec, AttentionShape Shape, bool Decode, double BakedMs, double RuntimeMs, double? IlgpuMs, double? PeerMs, double? PeerDifference)
{
    public const string Header =
        "   seq  window head heads |  baked ms  GFLOP/s  % peak | runtime ms runtime/baked | ONNX RT ms  ORT/baked |ORT-KG| | ns/pair/head  ILGPU ms";

    public const string CsvHeader =
        "seq_q,seq_k,window,head,heads,kv_heads,decode,baked_ms,useful_gflops,percent_fma_peak,runtime_ms,runtime_over_baked,onnxruntime_ms,onnxruntime_over_baked,max_abs_onnxruntime_vs_kernelgen,ns_per_visible_pair_per_head,ilgpu_ms,decode_gbps,percent_read_bandwidth";

    public string Name => Decode
        ? $"decode SeqK {Shape.SeqK}, window {Spec.WindowKeys}, head {Spec.HeadDim}, heads {Shape.Heads}/{Shape.KvHeads}"
        : $"S {Shape.SeqQ}, window {Spec.WindowKeys}, head {Spec.HeadDim}, heads {Shape.Heads}/{Shape.KvHeads}";

    public double Gflops => Spec.UsefulFlops(Shape) / (BakedMs * 1e6);

    public double NanosecondsPerPairPerHead => BakedMs * 1e6 / (Spec.Window.VisiblePairs(Shape.SeqQ, Shape.SeqK) * (double)Shape.Heads);

    /// <summary>For decode: the keys and values the window shows, read once, over the time.</summary>
    public double DecodeGigabytesPerSecond =>
        2.0 * Spec.Window.VisiblePairs(Shape.SeqQ, Shape.SeqK) / Shape.SeqQ * Shape.KvHeads * Spec.HeadDim * sizeof(float) / (BakedMs * 1e6);

    public string Format(double peak, double bandwidth)
    {
        var seq = Decode ? $"1x{Shape.SeqK}" : Shape.SeqQ.ToString(CultureInfo.InvariantCulture);
        var efficiency = Decode ? $"{100 * DecodeGigabytesPerSecond / bandwidth,5:F0}%bw" : $"{100 * Gflops / peak,7:F1}";
        return string.Create(CultureInfo.InvariantCulture,
            $"{seq,6} {Spec.WindowKeys,7} {Spec.HeadDim,4} {Shape.Heads,2}/{Shape.KvHeads,-2} | {BakedMs,9:F2} {Gflops,8:F1} {efficiency} | {RuntimeMs,10:F2} {RuntimeMs / BakedMs,13:F2} | {Optional(PeerMs, "F1"),10} {Optional(PeerMs / BakedMs, "F1"),10} {Optional(PeerDifference, "E1"),7} | {NanosecondsPerPairPerHead,12:F3} {Optional(IlgpuMs, "F2"),9}");
    }

    public string Csv(double peak, double bandwidth) => string.Join(",",
        Shape.SeqQ, Shape.SeqK, Spec.WindowKeys, Spec.HeadDim, Shape.Heads, Shape.KvHeads, Decode ? 1 : 0,
        Number(BakedMs), Number(Gflops), Number(100 * Gflops / peak), Number(RuntimeMs), Number(RuntimeMs / BakedMs),
        Number(PeerMs), Number(PeerMs / BakedMs), Number(PeerDifference), Number(NanosecondsPerPairPerHead), Number(IlgpuMs),
        Decode ? Number(DecodeGigabytesPerSecond) : string.Empty, Decode ? Number(100 * DecodeGigabytesPerSecond / bandwidth) : string.Empty);

    private static string Optional(double? value, string format) =>
        value is double number ? number.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Number(double? value) => value is double number ? number.ToString("G6", CultureInfo.InvariantCulture) : string.Empty;
}
