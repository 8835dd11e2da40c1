using System;
using System.Collections.Generic;
using ILGPU.Runtime;

namespace KernelGen.GpuBench;

/// <summary>Runs each kernel once on a small shape and compares its output with the fp64 <see cref="ReferenceAttention"/>.</summary>
internal static class CorrectnessChecks
{
    /// <summary>
    /// Runs every kernel in <paramref name="kernels"/> and prints its largest absolute error, against the reference on the
    /// same inputs (rounded to the kernel's element type). The shape has
    /// <paramref name="queries"/> queries and <c>window keys + queries / 2</c> keys (bottom-right), so the first half of
    /// the queries reach the start of the sequence and the second half see a full window whose left edge slides:
    /// both edges of the window are crossed. Dense causal kernels get <c>queries * 3 / 2</c> keys.
    /// </summary>
    /// <returns>How many kernels exceeded the tolerance.</returns>
    public static int Run(Accelerator accelerator, IEnumerable<BenchKernel> kernels, int queries, int heads)
    {
        // CUDA's exp is ex2.approx; the CPU accelerator runs MathF.Exp. A 16-bit output adds its rounding: outputs are
        // averages of values in [-1, 1), below 1 in magnitude, where half an ulp is at most 2^-12 (fp16) or 2^-9 (bf16).
        var tolerance = accelerator.AcceleratorType == AcceleratorType.CPU ? 1e-5 : 1e-3;
        Console.WriteLine($"Checks against the fp64 reference, tolerance {tolerance:0E+0} on the max abs error (plus 2^-12 for fp16, 2^-9 for bf16):");
        var failures = 0;
        foreach (var kernel in kernels)
        {
            var shape = new AttentionShape(Batch: 1, SeqQ: queries, SeqK: (kernel.WindowKeys ?? queries) + queries / 2, Heads: heads, KvHeads: heads);
            var error = Check(accelerator, kernel, shape);
            var passed = error.MaxAbsolute <= tolerance + HalfUlp(kernel.Element);
            failures += passed ? 0 : 1;
            Console.WriteLine(
                $"  {kernel.Implementation,-26} {kernel.ElementName} head {kernel.HeadDim,3} {kernel.Window}, SeqQ {shape.SeqQ}, SeqK {shape.SeqK}, heads {heads}: " +
                $"{error} -> {(passed ? "OK" : "MISMATCH")}");
        }

        return failures;
    }

    private static ErrorReport Check(Accelerator accelerator, BenchKernel kernel, AttentionShape shape)
    {
        using var buffers = new AttentionBuffers(accelerator, shape, kernel.HeadDim, kernel.Element, seed: 2026);
        kernel.Launch(accelerator.DefaultStream, buffers, shape);
        accelerator.DefaultStream.Synchronize();
        var expected = ReferenceAttention.Compute(
            buffers.HostQuery, buffers.HostKey, buffers.HostValue, shape, kernel.HeadDim, kernel.Window,
            new ReferenceAttention.Options(kernel.SoftmaxScale));
        return ErrorReport.Compare(buffers.DownloadOutput(), expected.Output);
    }

    private static double HalfUlp(AttentionElement element) => element switch
    {
        AttentionElement.Float16 => Math.Pow(2, -12),
        AttentionElement.BFloat16 => Math.Pow(2, -9),
        _ => 0,
    };
}
