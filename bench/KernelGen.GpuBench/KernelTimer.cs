using System;
using System.Diagnostics;
using ILGPU.Runtime;

namespace KernelGen.GpuBench;

/// <summary>
/// Times a kernel with a stopwatch around stream synchronisations: one warm-up launch (it compiles and loads the
/// kernel), then <see cref="Samples"/> samples of back-to-back launches, each sample long enough that launch and
/// synchronisation overhead are small against it. CUDA events would need a context built with <c>Profiling()</c>,
/// which <see cref="KernelGenAccelerators.CreateContext"/> does not enable.
/// </summary>
internal static class KernelTimer
{
    public const int Samples = 5;
    private const double MinimumSampleMilliseconds = 25;
    private const int MaximumLaunchesPerSample = 1000;

    /// <summary>The median over the samples of the time per launch, in milliseconds.</summary>
    public static double MedianMilliseconds(AcceleratorStream stream, Action launch)
    {
        Measure(stream, launch, launches: 1);
        var oneLaunch = Measure(stream, launch, launches: 1);
        var launchesPerSample = (int)Math.Clamp(Math.Ceiling(MinimumSampleMilliseconds / oneLaunch), 1, MaximumLaunchesPerSample);
        var samples = new double[Samples];
        for (var sample = 0; sample < Samples; sample++)
        {
            samples[sample] = Measure(stream, launch, launchesPerSample);
        }

        Array.Sort(samples);
        return samples[Samples / 2];
    }

    private static double Measure(AcceleratorStream stream, Action launch, int launches)
    {
        var timer = Stopwatch.StartNew();
        for (var index = 0; index < launches; index++)
        {
            launch();
        }

        stream.Synchronize();
        return timer.Elapsed.TotalMilliseconds / launches;
    }
}
