using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using KernelGen;
using KernelGen.Bench;
using KernelGen.Reports;
using Spectre.Console;

// KernelGen's CPU kernel (baked window and the same body with a runtime window), its ILGPU kernel when CUDA is
// present, and ONNX Runtime's CPU GroupQueryAttention, side by side on the same inputs in one process, with this
// machine's FMA peak and read bandwidth measured in the same run. `--quick` runs a subset.
var quick = args.Contains("--quick");
var csvPath = Path.GetFullPath("kernelgen-cpu-bench.csv");
var chartPath = Path.ChangeExtension(csvPath, ".png");
var threads = Environment.ProcessorCount;
var cpu = new CpuAttentionOptions { MaxDegreeOfParallelism = threads };
const int KernelRuns = 5;
const int PeerRuns = 3;
const long PeerScoreLimitBytes = 2_500_000_000;
if (StandaloneSections.TryRun(args, quick, threads))
{
    return 0;
}

Console.WriteLine($"Machine: {threads} cores, {MachinePeaks.Simd}");
var (peak, peakOneThread, bandwidth) = ConsoleReport.WithProgress("this machine's peaks", 3, progress =>
{
    progress.Description = $"fp32 FMA peak on {threads} threads";
    var peak = MachinePeaks.FmaGflops(threads);
    progress.Increment(1);
    progress.Description = "fp32 FMA peak on 1 thread";
    var peakOneThread = MachinePeaks.FmaGflops(1);
    progress.Increment(1);
    progress.Description = "read bandwidth";
    var bandwidth = MachinePeaks.ReadGigabytesPerSecond(threads);
    progress.Increment(1);
    return (peak, peakOneThread, bandwidth);
});
Console.WriteLine($"Measured now: fp32 FMA peak {peak:F1} GFLOP/s on {threads} threads ({peakOneThread:F1} on 1); read bandwidth {bandwidth:F1} GB/s (512 MiB buffer)");

using var context = KernelGenAccelerators.CreateContext();
using var gpu = context.GetCudaDevices().Count > 0 ? context.CreateCudaAccelerator(0) : null;
Console.WriteLine(gpu is null ? "No CUDA device: the ILGPU kernel is not timed (ILGPU's CPU simulator is not a speed path)." : $"ILGPU kernel on {gpu.Name}");
Console.WriteLine($"Timing: median of at least {KernelRuns} runs (ONNX Runtime: {PeerRuns}), more for short calls (about 0.5 s timed), after a warm-up; {threads} threads each; batch 1.");
Console.WriteLine("GFLOP/s count useful work only: 4 · head · heads · visible (query, key) pairs, from VisiblePairs.");
Console.WriteLine();

var lengths = quick ? new[] { 1024, 4096 } : new[] { 1024, 2048, 4096, 8192, 16384 };
var shapes = new List<(BenchSpec Spec, AttentionShape Shape, bool Decode)>();
foreach (var windowKeys in new[] { 256, 4096 })
foreach (var headDim in new[] { 64, 128 })
foreach (var (heads, kvHeads) in new[] { (8, 2), (1, 1) })
foreach (var length in lengths)
{
    shapes.Add((BenchSpec.Find(windowKeys, headDim), new AttentionShape(1, length, length, heads, kvHeads), false));
}

shapes.Add((BenchSpec.Find(4096, 128), new AttentionShape(1, 1, 8192, 32, 8), true));
var rows = ConsoleReport.WithProgress("shapes", shapes.Count, progress => shapes.Select(shape =>
{
    var row = Measure(shape.Spec, shape.Shape, shape.Decode);
    progress.Description = Markup.Escape($"measured {row.Name}");
    progress.Increment(1);
    return row;
}).ToList());

ConsoleReport.Results.Write(ConsoleReport.Figures(Row.Columns, rows.Select(row => row.Cells(peak, bandwidth))));
File.WriteAllLines(csvPath, new[] { Row.CsvHeader }.Concat(rows.Select(row => row.Csv(peak, bandwidth))));
TimePerPairChart.Save(rows, chartPath);
Console.WriteLine();
Console.WriteLine($"Wrote {csvPath}");
Console.WriteLine($"Wrote {chartPath}");
Console.WriteLine();
Console.WriteLine("Targets (this run):");
ConsoleReport.Results.Write(Targets.Check(rows, peak, bandwidth));
ElementBenchmark.Run(threads);
CachedDecodeBenchmark.Run(quick, threads);
return 0;

Row Measure(BenchSpec spec, AttentionShape shape, bool decode)
{
    var random = new Random(shape.SeqK + spec.HeadDim);
    float[] Fill(long length)
    {
        var values = new float[length];
        for (var index = 0; index < values.Length; index++)
        {
            values[index] = (float)(random.NextDouble() - 0.5);
        }

        return values;
    }

    var q = Fill(shape.QueryElements(spec.HeadDim));
    var output = new float[q.Length];

    // Decode reads a different cache each run, as a real step would, so that none of it is still in cache.
    var caches = Enumerable.Range(0, decode ? 6 : 1).Select(_ => (K: Fill(shape.KeyElements(spec.HeadDim)), V: Fill(shape.KeyElements(spec.HeadDim)))).ToArray();
    var next = 0;
    (float[] K, float[] V) Cache() => caches[next++ % caches.Length];

    var baked = Timing.MedianMilliseconds(() => { var (k, v) = Cache(); spec.Baked(q, k, v, output, shape, cpu); }, KernelRuns);
    var runtime = Timing.MedianMilliseconds(() => { var (k, v) = Cache(); spec.Runtime(q, k, v, output, spec.Window, shape, cpu); }, KernelRuns);
    spec.Baked(q, caches[0].K, caches[0].V, output, shape, cpu);

    double? ilgpu = null;
    if (gpu is not null)
    {
        using var qBuffer = gpu.Allocate1D(q);
        using var kBuffer = gpu.Allocate1D(caches[0].K);
        using var vBuffer = gpu.Allocate1D(caches[0].V);
        using var outputBuffer = gpu.Allocate1D<float>(q.Length);
        ilgpu = Timing.MedianMilliseconds(() => { spec.Device(gpu, qBuffer.View, kBuffer.View, vBuffer.View, outputBuffer.View, shape); gpu.Synchronize(); }, KernelRuns);
    }

    double? peer = null;
    double? peerDifference = null;
    if (OnnxRuntimeGroupQueryAttention.ScoreBytes(shape) <= PeerScoreLimitBytes)
    {
        using var onnxRuntime = new OnnxRuntimeGroupQueryAttention(spec.WindowKeys, spec.HeadDim, shape, q, caches[0].K, caches[0].V, threads);
        peerDifference = ErrorReport.Compare(onnxRuntime.RunAndRead(), output.Select(value => (double)value).ToArray()).MaxAbsolute;
        peer = Timing.MedianMilliseconds(onnxRuntime.Run, PeerRuns);
    }

    return new Row(spec, shape, decode, baked, runtime, ilgpu, peer, peerDifference);
}
