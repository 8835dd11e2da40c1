using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using KernelGen.Backends.Tests;
using Microsoft.ML.OnnxRuntime;

namespace KernelGen.Bench;

/// <summary>
/// <c>--cache-study</c>: ONNX Runtime's <c>GroupQueryAttention</c> with <c>sliding_window_cache = 1</c> next to KernelGen's
/// cache for the same window, fed the same tokens step by step. After every step it finds the keys ONNX Runtime's buffer
/// holds (the row with the newest key, then every row below it, key by key), checks their count against ONNX Runtime's
/// documented <c>L(T)</c>, and compares each output with KernelGen's cache; the last decode steps are also compared with
/// the fp64 reference over the whole history. Prints, per window, a markdown table of resident keys and memory.
/// </summary>
internal static class SlidingWindowCacheStudy
{
    private const int HeadDim = 128;
    private const int PrefillChunk = 512;

    // Decode steps after the fill, and the steady state the table reports: three evictions at C = W + 16.
    private const int DecodeSteps = 64;

    // ONNX Runtime GenAI's model builder gives CPU window caches 16 keys of slack (onnxruntime docs/contrib_ops/cpu/gqa.md).
    private const int GenAiCpuSlack = 16;

    public static void Run(int threads)
    {
        Console.WriteLine($"ONNX Runtime {OrtEnv.Instance().GetVersionString()} GroupQueryAttention, sliding_window_cache = 1, next to KernelGen's cache: head {HeadDim}, fp32, 1 query head / 1 KV head, batch 1, {threads} threads.");
        Console.WriteLine("local_window_size = W shows W keys, the query's own included: KernelGen's Left = W - 1. Memory is keys and values per (batch row, KV head).");
        foreach (var windowKeys in new[] { 256, 4096 })
        {
            Study(
                $"W = {windowKeys}, decode: {windowKeys + DecodeSteps} steps of one token from an empty cache",
                Enumerable.Repeat(1, windowKeys + DecodeSteps).ToArray(),
                CachedBenchSpec.Find(windowKeys, maxChunk: 1),
                new[] { windowKeys, windowKeys + GenAiCpuSlack },
                threads);

            var chunks = Math.Max(2, 2 * windowKeys / PrefillChunk);
            Study(
                $"W = {windowKeys}, prefill: {chunks} chunks of {PrefillChunk} tokens, then {DecodeSteps} steps of one token",
                Enumerable.Repeat(PrefillChunk, chunks).Concat(Enumerable.Repeat(1, DecodeSteps)).ToArray(),
                CachedBenchSpec.Find(windowKeys, maxChunk: PrefillChunk),
                new[] { windowKeys + PrefillChunk - 1, windowKeys + GenAiCpuSlack },
                threads);
        }
    }

    private static void Study(string title, int[] steps, CachedBenchSpec spec, int[] onnxCapacities, int threads)
    {
        var windowKeys = spec.WindowKeys;
        var total = steps.Sum();
        var random = new Random(total + windowKeys);
        float[] Fill(int length) => RandomInputs.Fill(random, length);
        var keys = new float[total * HeadDim];
        var values = new float[total * HeadDim];
        var options = new ReferenceAttention.Options(1 / Math.Sqrt(HeadDim));

        using var kernelGen = spec.CreateCache(1, 1, 1, new CpuAttentionOptions { MaxDegreeOfParallelism = threads });
        var onnx = onnxCapacities.Select(capacity => new Track(new OnnxRuntimeWindowedAttention(windowKeys, capacity, 1, 1, HeadDim, threads))).ToArray();
        var kernelGenHeld = new List<int>();
        var kernelGenVersusReference = 0.0;
        var length = 0;
        for (var step = 0; step < steps.Length; step++)
        {
            var tokens = steps[step];
            var (q, k, v) = (Fill(tokens * HeadDim), Fill(tokens * HeadDim), Fill(tokens * HeadDim));
            k.CopyTo(keys, length * HeadDim);
            v.CopyTo(values, length * HeadDim);
            length += tokens;
            var kernelGenOutput = new float[q.Length];
            kernelGen.Forward(q, k, v, kernelGenOutput, new[] { tokens });

            var steadyState = step >= steps.Length - DecodeSteps;
            double[]? expected = null;
            if (steadyState)
            {
                kernelGenHeld.Add(kernelGen.HeldKeys(0));
                var shape = new AttentionShape(1, tokens, length, 1, 1);
                expected = ReferenceAttention.Compute(q, keys.AsSpan(0, length * HeadDim), values.AsSpan(0, length * HeadDim), shape, HeadDim, spec.Window, options).Output;
                kernelGenVersusReference = Math.Max(kernelGenVersusReference, ErrorReport.Compare(kernelGenOutput, expected).MaxAbsolute);
            }

            foreach (var track in onnx)
            {
                track.Step(q, k, v, tokens, keys.AsSpan(0, length * HeadDim), kernelGenOutput, expected, steadyState);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{title} (T = {length} at the end):");
        Console.WriteLine();
        Console.WriteLine($"| cache | capacity (keys) | resident keys, last {DecodeSteps} steps | evictions (keys each) | memory per (row, KV head) | max abs diff vs KernelGen | vs fp64, last {DecodeSteps} steps |");
        Console.WriteLine("|---|---:|---:|---|---:|---:|---:|");
        foreach (var track in onnx)
        {
            using var attention = track.Attention;
            using var cache = track.Cache;
            var rule = track.FollowsTheDocumentedRule ? "" : $" (differs from ORT's L(T) at {track.RuleMismatches} step(s))";
            var order = track.OutOfOrderRows == 0 ? "" : $"; {track.OutOfOrderRows} row(s) out of order";
            Console.WriteLine(Invariant($"| ORT `sliding_window_cache`, C = {cache.Capacity} (W{Slack(cache.Capacity - windowKeys)}) | {cache.Capacity} | {Range(track.SteadyResident)}{rule}{order} | {track.Evictions} x {string.Join("/", track.EvictedBlocks.Order())} | {MiB(cache.BytesPerKvHead)} | {track.VersusKernelGen:E1} | {track.VersusReference:E1} |"));
        }

        Console.WriteLine(Invariant($"| KernelGen `[KvCache(MaxChunk = {spec.MaxChunk})]`, Left + MaxChunk = {windowKeys - 1} + {spec.MaxChunk} | {kernelGen.Capacity} | {Range(kernelGenHeld)} | none: a ring, no key moves | {MiB(kernelGen.MemoryBytes)} | - | {kernelGenVersusReference:E1} |"));
        Console.WriteLine(Invariant($"| ORT without `sliding_window_cache` (past_key holds every token) | T = {length} | {length} | none | {MiB(2L * length * HeadDim * sizeof(float))} | | |"));
    }

    private static string Slack(int slack) => slack == 0 ? "" : $" + {slack}";

    private static string Range(IReadOnlyCollection<int> counts) => counts.Min() == counts.Max() ? $"{counts.Min()}" : $"{counts.Min()}..{counts.Max()}";

    private static string MiB(long bytes) => Invariant($"{bytes / (1024.0 * 1024.0):0.###} MiB");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>One ONNX Runtime cache stepped with the others, and what was read back from its buffer.</summary>
    private sealed class Track(OnnxRuntimeWindowedAttention attention)
    {
        private int _resident;

        public OnnxRuntimeWindowedAttention Attention { get; } = attention;

        public OnnxRuntimeWindowedCache Cache { get; } = new(attention);

        public List<int> SteadyResident { get; } = new();

        public SortedSet<int> EvictedBlocks { get; } = new();

        public int Evictions { get; private set; }

        public int RuleMismatches { get; private set; }

        public int OutOfOrderRows { get; private set; }

        public bool FollowsTheDocumentedRule => RuleMismatches == 0;

        public double VersusKernelGen { get; private set; }

        public double VersusReference { get; private set; }

        public void Step(float[] q, float[] k, float[] v, int tokens, ReadOnlySpan<float> history, float[] kernelGenOutput, double[]? expected, bool steadyState)
        {
            var output = new float[q.Length];
            Cache.Step(q, k, v, output, tokens);
            var length = (int)Cache.Length;

            // The newest key was appended last, so the row after it is where the resident keys end.
            var resident = Cache.RowOf(history.Slice((length - 1) * HeadDim, HeadDim), 0) + 1;
            for (var row = 0; row < resident; row++)
            {
                if (!Cache.KeyRow(0, row).SequenceEqual(history.Slice((length - resident + row) * HeadDim, HeadDim)))
                {
                    OutOfOrderRows++;
                }
            }

            if (resident != OnnxRuntimeWindowedCache.DocumentedResidentKeys(length, Cache.Capacity, Cache.WindowKeys))
            {
                RuleMismatches++;
            }

            var evicted = _resident + tokens - resident;
            if (evicted > 0)
            {
                Evictions++;
                EvictedBlocks.Add(evicted);
            }

            _resident = resident;
            if (steadyState)
            {
                SteadyResident.Add(resident);
            }

            VersusKernelGen = Math.Max(VersusKernelGen, ErrorReport.Compare(output, kernelGenOutput.Select(value => (double)value).ToArray()).MaxAbsolute);
            if (expected is not null)
            {
                VersusReference = Math.Max(VersusReference, ErrorReport.Compare(output, expected).MaxAbsolute);
            }
        }
    }
}
