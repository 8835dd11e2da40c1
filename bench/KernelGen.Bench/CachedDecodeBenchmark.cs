using System;
using System.IO;
using System.Linq;
using KernelGen.Backends.Tests;
using KernelGen.Reports;

namespace KernelGen.Bench;

/// <summary>
/// Decode (SeqQ = 1) through KernelGen's KV cache on the CPU kernel: one step is <c>Forward</c>, the append of one token
/// per batch row and its attend. Next to it, on the same history and new token: ONNX Runtime's GroupQueryAttention with a
/// <c>past_key</c> of the whole history (its ordinary cache, copied into <c>present_key</c> every step), and with its
/// window-sized <c>sliding_window_cache</c> at C = W (G = 1: it compacts every step) and at C = W + 16. Outputs of the first
/// step are compared with KernelGen's, and KernelGen's with the fp64 reference. ONNX Runtime runs batch 1 only.
/// </summary>
internal static class CachedDecodeBenchmark
{
    public const int Heads = 32;
    public const int KvHeads = 8;
    private const int KernelRuns = 5;
    private const int PeerRuns = 3;
    private const int OnnxWindowSlack = 16;

    // Each timed step goes to the next of these copies of a cache (KernelGen's, and ONNX Runtime's window cache), so that
    // a step finds its cache out of the CPU caches as a model's next layer would; each step also appends a token, so a
    // history grows by at most a quarter of the timed runs (at most 200). The past_key peer reads the same buffers each
    // run, as in the kernel table.
    private const int CacheCopies = 4;

    private const string CsvHeader =
        "history,batch,window,head,heads,kv_heads,kernelgen_ms,kernelgen_gbps,onnxruntime_past_ms,onnxruntime_past_over_kernelgen,max_abs_onnxruntime_past_vs_kernelgen," +
        "onnxruntime_window_cache_ms,onnxruntime_window_cache_over_kernelgen,max_abs_onnxruntime_window_cache_vs_kernelgen," +
        "onnxruntime_window_cache_slack_ms,onnxruntime_window_cache_slack_over_kernelgen,max_abs_onnxruntime_window_cache_slack_vs_kernelgen,max_abs_kernelgen_vs_fp64";

    public static void Run(bool quick, int threads)
    {
        var spec = CachedBenchSpec.Find(4096, maxChunk: 1);
        var histories = (quick ? new[] { 2048, 8192 } : new[] { 1024, 2048, 4096, 8192, 16384 })
            .Select(length => new[] { length })
            .Append(new[] { 8192, 6144, 3000, 1024 });

        Console.WriteLine();
        Console.WriteLine($"Decode through the KV cache: {spec.Name} ([KvCache(MaxChunk = 1)], a ring of {spec.Capacity} keys), {Heads}/{KvHeads} heads, one new token per row per step, {threads} threads.");
        Console.WriteLine($"ONNX Runtime GQA: past = past_key of the whole history (batch 1); window = sliding_window_cache with C = W = {spec.WindowKeys}, and C = W + {OnnxWindowSlack}. ms per step, median; ratio = ONNX Runtime / KernelGen; |diff| = max abs difference from KernelGen.");
        Console.WriteLine($"GB/s: the keys and values the window shows, read once per step. Each timed step appends a token to one of {CacheCopies} copies of a cache in turn (ORT past: the same buffers).");
        Console.WriteLine();
        var rows = histories.Select(lengths => Measure(spec, lengths, threads)).ToList();
        ConsoleReport.Results.Write(ConsoleReport.Figures(CachedDecodeRow.Columns, rows.Select(row => row.Cells())));

        var csvPath = Path.GetFullPath("kernelgen-cpu-cached-decode.csv");
        File.WriteAllLines(csvPath, new[] { CsvHeader }.Concat(rows.Select(row => row.Csv(spec))));
        Console.WriteLine();
        Console.WriteLine($"Wrote {csvPath}");
    }

    private static CachedDecodeRow Measure(CachedBenchSpec spec, int[] lengths, int threads)
    {
        var headDim = spec.HeadDim;
        var random = new Random(lengths.Sum());
        float[] Fill(long length) => RandomInputs.Fill(random, length);

        // Each row's history and its new token, [tokens, kvHeads, HeadDim]: keys and values up to and including the new one.
        var tokenElements = KvHeads * headDim;
        var keys = lengths.Select(length => Fill((length + 1L) * tokenElements)).ToArray();
        var values = lengths.Select(length => Fill((length + 1L) * tokenElements)).ToArray();
        var q = Fill((long)lengths.Length * Heads * headDim);
        var newKeys = keys.SelectMany((rowKeys, row) => rowKeys.Skip(lengths[row] * tokenElements)).ToArray();
        var newValues = values.SelectMany((rowValues, row) => rowValues.Skip(lengths[row] * tokenElements)).ToArray();
        var oneEach = Enumerable.Repeat(1, lengths.Length).ToArray();

        var options = new CpuAttentionOptions { MaxDegreeOfParallelism = threads };
        var caches = Enumerable.Range(0, CacheCopies).Select(_ => spec.CreateCache(lengths.Length, Heads, KvHeads, options)).ToArray();
        foreach (var cache in caches)
        {
            Prefill(cache, keys, values, lengths, tokenElements);
        }

        var output = new float[q.Length];
        caches[0].Forward(q, newKeys, newValues, output, oneEach);
        var firstStep = output.Select(value => (double)value).ToArray();
        var versusReference = 0.0;
        var queryElements = Heads * headDim;
        for (var row = 0; row < lengths.Length; row++)
        {
            var shape = new AttentionShape(1, 1, lengths[row] + 1, Heads, KvHeads);
            var expected = ReferenceAttention.Compute(q.AsSpan(row * queryElements, queryElements), keys[row], values[row], shape, headDim, spec.Window, new ReferenceAttention.Options(1 / Math.Sqrt(headDim)));
            versusReference = Math.Max(versusReference, ErrorReport.Compare(output.AsSpan(row * queryElements, queryElements), expected.Output).MaxAbsolute);
        }

        var next = 0;
        var kernelGen = Timing.MedianMilliseconds(() => caches[next++ % CacheCopies].Forward(q, newKeys, newValues, output, oneEach), KernelRuns);
        foreach (var cache in caches)
        {
            cache.Dispose();
        }

        var visibleKeys = lengths.Sum(length => (long)Math.Min(length + 1, spec.WindowKeys));
        var gigabytesPerSecond = 2.0 * visibleKeys * tokenElements * sizeof(float) / (kernelGen * 1e6);
        var measured = new CachedDecodeRow(lengths, kernelGen, gigabytesPerSecond, versusReference);
        if (lengths.Length != 1)
        {
            return measured;
        }

        var shapeWithPast = new AttentionShape(1, 1, lengths[0] + 1, Heads, KvHeads);
        double pastMs, pastDifference;
        using (var past = new OnnxRuntimeGroupQueryAttention(spec.WindowKeys, headDim, shapeWithPast, q, keys[0], values[0], threads))
        {
            pastDifference = ErrorReport.Compare(past.RunAndRead(), firstStep).MaxAbsolute;
            pastMs = Timing.MedianMilliseconds(past.Run, PeerRuns);
        }

        var window = MeasureWindowCache(spec, spec.WindowKeys, lengths[0], q, keys[0], values[0], newKeys, newValues, firstStep, threads);
        var windowWithSlack = MeasureWindowCache(spec, spec.WindowKeys + OnnxWindowSlack, lengths[0], q, keys[0], values[0], newKeys, newValues, firstStep, threads);
        return measured with { Past = (pastMs, pastDifference), Window = window, WindowWithSlack = windowWithSlack };
    }

    // ONNX Runtime's window cache of `capacity` keys, loaded with the history in the layout it documents, then stepped.
    private static (double Ms, double Difference) MeasureWindowCache(
        CachedBenchSpec spec, int capacity, int history, float[] q, float[] keys, float[] values, float[] newKeys, float[] newValues, double[] expected, int threads)
    {
        using var attention = new OnnxRuntimeWindowedAttention(spec.WindowKeys, capacity, Heads, KvHeads, spec.HeadDim, threads);
        var caches = Enumerable.Range(0, CacheCopies).Select(_ => new OnnxRuntimeWindowedCache(attention)).ToArray();
        foreach (var cache in caches)
        {
            cache.Load(keys, values, history);
        }

        var output = new float[q.Length];
        caches[0].Step(q, newKeys, newValues, output, 1);
        var difference = ErrorReport.Compare(output, expected).MaxAbsolute;
        var next = 0;
        var ms = Timing.MedianMilliseconds(() => caches[next++ % CacheCopies].Step(q, newKeys, newValues, output, 1), PeerRuns);
        foreach (var cache in caches)
        {
            cache.Dispose();
        }

        return (ms, difference);
    }

    // Appends each row's history a token at a time (MaxChunk = 1), the rows that still have tokens together.
    private static void Prefill(KeyValueCache<float> cache, float[][] keys, float[][] values, int[] lengths, int tokenElements)
    {
        var counts = new int[lengths.Length];
        for (var position = 0; position < lengths.Max(); position++)
        {
            var rows = Enumerable.Range(0, lengths.Length).Where(row => position < lengths[row]).ToArray();
            Array.Clear(counts);
            foreach (var row in rows)
            {
                counts[row] = 1;
            }

            var k = rows.SelectMany(row => keys[row].AsSpan(position * tokenElements, tokenElements).ToArray()).ToArray();
            var v = rows.SelectMany(row => values[row].AsSpan(position * tokenElements, tokenElements).ToArray()).ToArray();
            cache.Append(k, v, counts);
        }
    }
}
