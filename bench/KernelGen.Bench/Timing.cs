using System;
using System.Diagnostics;

namespace KernelGen.Bench;

/// <summary>Warm-up, then the median of several timed runs: enough to compare kernels side by side in one process.</summary>
internal static class Timing
{
    /// <summary>The median wall time of <paramref name="run"/> in milliseconds over <paramref name="runs"/> runs after one warm-up.</summary>
    public static double MedianMilliseconds(Action run, int runs)
    {
        run();
        var times = new double[runs];
        for (var index = 0; index < runs; index++)
        {
            var timer = Stopwatch.StartNew();
            run();
            times[index] = timer.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return times[runs / 2];
    }
}
