using System;
using System.Diagnostics;
using System.Linq;
using ILGPU.Runtime;

namespace KernelGen.Bench;

/// <summary>Warm-up, several timed runs, the median: enough to compare kernels side by side in one process.</summary>
internal static class Harness
{
    public const int WarmUps = 1;
    public const int Runs = 5;

    /// <summary>The median wall time of <paramref name="run"/> in milliseconds, each run waited for on the accelerator.</summary>
    public static double MedianMilliseconds(Accelerator accelerator, Action run)
    {
        for (var i = 0; i < WarmUps; i++)
        {
            run();
            accelerator.Synchronize();
        }

        var times = new double[Runs];
        for (var i = 0; i < Runs; i++)
        {
            var timer = Stopwatch.StartNew();
            run();
            accelerator.Synchronize();
            times[i] = timer.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return times[Runs / 2];
    }
}
