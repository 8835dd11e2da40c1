using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace KernelGen.Bench;

/// <summary>
/// Warm-up, then the median of timed runs: at least a few, and more for short calls, until about half a second has
/// been timed, so that a shared VM's pauses move the median of a sub-millisecond call no more than of a long one.
/// </summary>
internal static class Timing
{
    private const double TimedMilliseconds = 500;
    private const int MaxRuns = 200;

    /// <summary>The median wall time of <paramref name="run"/> in milliseconds, over at least <paramref name="minRuns"/> runs.</summary>
    public static double MedianMilliseconds(Action run, int minRuns)
    {
        run();
        var times = new List<double>();
        var total = 0.0;
        while (times.Count < minRuns || (total < TimedMilliseconds && times.Count < MaxRuns))
        {
            var timer = Stopwatch.StartNew();
            run();
            times.Add(timer.Elapsed.TotalMilliseconds);
            total += times[^1];
        }

        times.Sort();
        return times[times.Count / 2];
    }
}
