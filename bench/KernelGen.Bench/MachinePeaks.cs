using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Threading;

namespace KernelGen.Bench;

/// <summary>
/// This machine's ceilings, measured in the same run as the kernels (a shared VM's peak moves between runs): fp32
/// FMA throughput from 10 independent vector FMA chains per thread on dedicated threads, and read bandwidth over a
/// buffer far larger than the last-level cache. Best of 3 each.
/// </summary>
internal static class MachinePeaks
{
    private const long FmasPerThread = 1_000_000_000;
    private const long ReadBufferBytes = 512L << 20;

    /// <summary>GFLOP/s of fp32 FMAs on <paramref name="threads"/> threads (2 FLOP per lane per FMA).</summary>
    public static double FmaGflops(int threads) => BestOf3(() =>
    {
        var timer = Stopwatch.StartNew();
        RunOnThreads(threads, _ => FmaChains(FmasPerThread / 10));
        return threads * FmasPerThread * Vector<float>.Count * 2 / timer.Elapsed.TotalSeconds / 1e9;
    });

    /// <summary>GB/s read by <paramref name="threads"/> threads summing a 512 MiB buffer.</summary>
    public static double ReadGigabytesPerSecond(int threads)
    {
        var buffer = new float[ReadBufferBytes / sizeof(float)];
        Array.Fill(buffer, 1f);
        return BestOf3(() =>
        {
            var timer = Stopwatch.StartNew();
            RunOnThreads(threads, thread => Sum(buffer, thread, threads));
            return ReadBufferBytes / timer.Elapsed.TotalSeconds / 1e9;
        });
    }

    /// <summary>The vector width and FMA support the kernels run with, in words.</summary>
    public static string Simd =>
        $"{Vector<float>.Count * 32}-bit vectors ({(Vector.IsHardwareAccelerated ? "hardware" : "software")}), FMA {(Fma.IsSupported ? "yes" : "no")}, AVX-512 {(Avx512F.IsSupported ? "yes" : "no")}";

    private static double BestOf3(Func<double> measure) => Math.Max(measure(), Math.Max(measure(), measure()));

    private static void RunOnThreads(int threads, Action<int> work)
    {
        var started = new Thread[threads];
        for (var index = 0; index < threads; index++)
        {
            var thread = index;
            started[index] = new Thread(() => work(thread));
            started[index].Start();
        }

        foreach (var thread in started)
        {
            thread.Join();
        }
    }

    // Ten accumulators hide the FMA latency (4 cycles, 2 per cycle); the result is used so the loop stays.
    private static float FmaChains(long iterations)
    {
        var multiplier = new Vector<float>(0.999999f);
        var addend = new Vector<float>(1e-7f);
        Vector<float> a0 = Vector<float>.One, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0;
        for (long index = 0; index < iterations; index++)
        {
            a0 = Vector.MultiplyAddEstimate(a0, multiplier, addend);
            a1 = Vector.MultiplyAddEstimate(a1, multiplier, addend);
            a2 = Vector.MultiplyAddEstimate(a2, multiplier, addend);
            a3 = Vector.MultiplyAddEstimate(a3, multiplier, addend);
            a4 = Vector.MultiplyAddEstimate(a4, multiplier, addend);
            a5 = Vector.MultiplyAddEstimate(a5, multiplier, addend);
            a6 = Vector.MultiplyAddEstimate(a6, multiplier, addend);
            a7 = Vector.MultiplyAddEstimate(a7, multiplier, addend);
            a8 = Vector.MultiplyAddEstimate(a8, multiplier, addend);
            a9 = Vector.MultiplyAddEstimate(a9, multiplier, addend);
        }

        var total = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9;
        return total[0] == 42f ? 1f : 0f;
    }

    private static float Sum(float[] buffer, int part, int parts)
    {
        var length = buffer.Length / parts / (4 * Vector<float>.Count) * (4 * Vector<float>.Count);
        var span = buffer.AsSpan(part * length, length);
        Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
        for (var index = 0; index < span.Length; index += 4 * Vector<float>.Count)
        {
            s0 += new Vector<float>(span.Slice(index));
            s1 += new Vector<float>(span.Slice(index + Vector<float>.Count));
            s2 += new Vector<float>(span.Slice(index + (2 * Vector<float>.Count)));
            s3 += new Vector<float>(span.Slice(index + (3 * Vector<float>.Count)));
        }

        return Vector.Sum(s0 + s1 + s2 + s3);
    }
}
