using System;
using System.Globalization;
using KernelGen;
using KernelGen.GpuBench;

// KernelGen's generated kernels on a CUDA GPU: the baked window, the same body with the window at run time, and dense
// causal attention, checked against the fp64 reference and timed. bench/gpu/README.md says how to publish and run it.
const string Usage =
    "usage: KernelGen.GpuBench [--sm-clock-mhz N]   time the kernels on the first CUDA GPU (N: the SM clock to use if ILGPU reports none)\n" +
    "       KernelGen.GpuBench --cpu-smoke           run each kernel once on ILGPU's CPU accelerator and check it (no GPU needed)";

var cpuSmoke = false;
int? fallbackClockMhz = null;
for (var index = 0; index < args.Length; index++)
{
    switch (args[index])
    {
        case "--cpu-smoke":
            cpuSmoke = true;
            break;
        case "--sm-clock-mhz" when index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var clock) && clock > 0:
            fallbackClockMhz = clock;
            index++;
            break;
        default:
            Console.Error.WriteLine($"unexpected argument '{args[index]}' (or a missing or non-positive number after it)");
            Console.Error.WriteLine(Usage);
            return 2;
    }
}

using var context = KernelGenAccelerators.CreateContext();
if (!cpuSmoke)
{
    return GpuBenchmark.Run(context, fallbackClockMhz);
}

using var cpu = KernelGenAccelerators.CreateCpu(context);
Console.WriteLine($"CPU smoke test on {cpu.Name}: each kernel once on ILGPU's CPU accelerator, no timing.");
var failures = CorrectnessChecks.Run(cpu, BenchKernels.All, queries: 64, heads: 1);
Console.WriteLine($"{BenchKernels.All.Count - failures} passed, {failures} failed");
return failures == 0 ? 0 : 1;
