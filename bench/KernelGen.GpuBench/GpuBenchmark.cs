using System;
using System.IO;
using System.Linq;
using ILGPU;
using ILGPU.Runtime.Cuda;

namespace KernelGen.GpuBench;

/// <summary>The CUDA run: device facts, a correctness check of every kernel, then the timing table.</summary>
internal static class GpuBenchmark
{
    private const int Batch = 1;
    private const int Heads = 16;
    private static readonly int[] SequenceLengths = [4096, 16384];

    /// <returns>0 when every check passed, 1 when one did not, 3 when there is no CUDA device.</returns>
    public static int Run(Context context, int? fallbackClockMhz)
    {
        if (context.GetCudaDevices().Count == 0)
        {
            Console.Error.WriteLine(
                "No CUDA device: ILGPU found no CUDA driver or GPU (it loads libcuda.so). This benchmark needs a CUDA GPU; " +
                "run it with --cpu-smoke to check the kernels on ILGPU's CPU accelerator instead.");
            return 3;
        }

        using var gpu = context.CreateCudaAccelerator(0);
        var peak = Fp32Peak.For(gpu, fallbackClockMhz);
        Console.WriteLine($"Device: {gpu.Name}, sm_{gpu.Architecture.Major}{gpu.Architecture.Minor}, {gpu.NumMultiprocessors} SMs, " +
            $"CUDA driver {gpu.DriverVersion}, {gpu.MemorySize / (1L << 30)} GiB");
        Console.WriteLine(peak.Description);
        Console.WriteLine();

        var failures = CorrectnessChecks.Run(gpu, BenchKernels.All, queries: 256, heads: 2);
        Console.WriteLine();

        Console.WriteLine($"Timing: batch {Batch}, {Heads} heads, {Heads} KV heads, SeqQ = SeqK = seq, layout [batch, seq, heads, head], " +
            $"windows causal bottom-right (Left = window - 1, Right = 0); median of {KernelTimer.Samples} samples of back-to-back launches after a warm-up.");
        var outFolder = Environment.GetEnvironmentVariable("OUT");
        var csvPath = string.IsNullOrEmpty(outFolder) ? null : Path.Combine(outFolder, "kernelgen.csv");
        using (var table = new ResultTable(csvPath))
        {
            foreach (var seq in SequenceLengths)
            {
                foreach (var sameInputs in BenchKernels.All.GroupBy(kernel => (kernel.HeadDim, kernel.Element)))
                {
                    var shape = new AttentionShape(Batch, seq, seq, Heads, Heads);
                    using var buffers = new AttentionBuffers(gpu, shape, sameInputs.Key.HeadDim, sameInputs.Key.Element, seed: seq);
                    foreach (var kernel in sameInputs)
                    {
                        var milliseconds = KernelTimer.MedianMilliseconds(
                            gpu.DefaultStream,
                            () => kernel.Launch(gpu.DefaultStream, buffers, shape));
                        table.Add(new BenchRow(kernel, shape, milliseconds, peak));
                    }
                }
            }
        }

        if (csvPath is not null)
        {
            Console.WriteLine($"Wrote {csvPath}");
        }

        Console.WriteLine(failures == 0 ? "All checks passed." : $"{failures} check(s) failed: see MISMATCH above.");
        return failures == 0 ? 0 : 1;
    }
}
