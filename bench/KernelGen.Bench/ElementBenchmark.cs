using System;
using System.Globalization;
using System.Linq;
using KernelGen.Reports;

namespace KernelGen.Bench;

/// <summary>
/// The CPU kernel with fp32, fp16 and bf16 inputs side by side on the same shape and values (rounded to each type): a
/// prefill shape, where 16-bit keys and values cost a widening per tile and block, and a decode shape, where they halve
/// the bytes read. Decode reads a different copy of its keys and values each run, as the kernel table does. The three
/// are timed in turn, a few rounds over, so that a shared machine's slow spells fall on all of them.
/// </summary>
internal static class ElementBenchmark
{
    private const int KernelRuns = 5;
    private const int Rounds = 3;
    private const int DecodeCopies = 6;

    private static readonly string[] Columns = ["shape", "fp32 ms", "fp16 ms", "bf16 ms", "fp16/fp32", "bf16/fp32"];

    private delegate void Forward<TElement>(TElement[] q, TElement[] k, TElement[] v, TElement[] output, AttentionShape shape, CpuAttentionOptions options);

    public static void Run(int threads)
    {
        var options = new CpuAttentionOptions { MaxDegreeOfParallelism = threads };
        var prefill = new AttentionShape(1, 4096, 4096, 8, 2);
        var decode = new AttentionShape(1, 1, 8192, 32, 8);
        var rows = ConsoleReport.WithProgress("element types", 2, progress =>
        {
            var prefillRow = Measure("S 4096, window 256, head 64, heads 8/2", 64, prefill, copies: 1, options,
                (q, k, v, o, shape, cpu) => Window256Head64.ForwardCpu(q, k, v, o, shape, cpu),
                (q, k, v, o, shape, cpu) => Window256Head64Float16.ForwardCpu(q, k, v, o, shape, cpu),
                (q, k, v, o, shape, cpu) => Window256Head64BFloat16.ForwardCpu(q, k, v, o, shape, cpu));
            progress.Increment(1);
            var decodeRow = Measure("decode SeqK 8192, window 4096, head 128, heads 32/8", 128, decode, DecodeCopies, options,
                (q, k, v, o, shape, cpu) => Window4096Head128.ForwardCpu(q, k, v, o, shape, cpu),
                (q, k, v, o, shape, cpu) => Window4096Head128Float16.ForwardCpu(q, k, v, o, shape, cpu),
                (q, k, v, o, shape, cpu) => Window4096Head128BFloat16.ForwardCpu(q, k, v, o, shape, cpu));
            progress.Increment(1);
            return new[] { prefillRow, decodeRow };
        });

        Console.WriteLine();
        Console.WriteLine($"Element types: q, k, v and output in fp32, fp16 and bf16 on the same values; fp32 arithmetic; ms, median; ratio = 16-bit time / fp32 time; {threads} threads.");
        ConsoleReport.Results.Write(ConsoleReport.Figures(Columns, rows));
    }

    private static string[] Measure(
        string name, int headDim, AttentionShape shape, int copies, CpuAttentionOptions options,
        Forward<float> fp32, Forward<Half> fp16, Forward<BFloat16> bf16)
    {
        // The same values for all three, rounded to each type.
        var random = new Random(shape.SeqK + headDim);
        float[] Fill(long length) => RandomInputs.Fill(random, length);
        var q = Fill(shape.QueryElements(headDim));
        var keys = Enumerable.Range(0, copies).Select(_ => (K: Fill(shape.KeyElements(headDim)), V: Fill(shape.KeyElements(headDim)))).ToArray();

        var calls = new[] { Call(q, keys, shape, options, fp32), Call(q, keys, shape, options, fp16), Call(q, keys, shape, options, bf16) };
        var times = Enumerable.Range(0, Rounds).Select(_ => calls.Select(call => Timing.MedianMilliseconds(call, KernelRuns)).ToArray()).ToArray();
        var (single, half, bfloat) = (Median(times, 0), Median(times, 1), Median(times, 2));
        return [name, Figure(single, "F2"), Figure(half, "F2"), Figure(bfloat, "F2"), Figure(half / single, "F2"), Figure(bfloat / single, "F2")];
    }

    // One call on the inputs narrowed to TElement, the next copy of the keys and values each time.
    private static Action Call<TElement>(float[] q, (float[] K, float[] V)[] keys, AttentionShape shape, CpuAttentionOptions options, Forward<TElement> forward)
        where TElement : unmanaged
    {
        var query = Narrow<TElement>(q);
        var copies = keys.Select(copy => (K: Narrow<TElement>(copy.K), V: Narrow<TElement>(copy.V))).ToArray();
        var output = new TElement[q.Length];
        var next = 0;
        return () =>
        {
            var (k, v) = copies[next++ % copies.Length];
            forward(query, k, v, output, shape, options);
        };
    }

    private static double Median(double[][] rounds, int column)
    {
        var times = rounds.Select(round => round[column]).Order().ToArray();
        return times[times.Length / 2];
    }

    private static TElement[] Narrow<TElement>(float[] values)
        where TElement : unmanaged
    {
        var narrowed = new TElement[values.Length];
        ElementSpans.Narrow<TElement>(values, narrowed);
        return narrowed;
    }

    private static string Figure(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
