using System;
using System.Linq;
using ILGPU;
using ILGPU.Runtime;
using KernelGen;
using KernelGen.Bench;

// Side-by-side timings in one run: windowed against dense, baked window against the same kernel body with the
// window as a runtime argument, and scaling with sequence length at a fixed window.
using var context = KernelGenAccelerators.CreateContext();
using var accelerator = KernelGenAccelerators.CreateDefault(context);
var simulator = accelerator.AcceleratorType == AcceleratorType.CPU;
Console.WriteLine($"Accelerator: {accelerator.Name} ({accelerator.AcceleratorType}); median of {Harness.Runs} runs after {Harness.WarmUps} warm-up");
if (simulator)
{
    Console.WriteLine("CPU SIMULATOR FIGURES: ILGPU's CPU accelerator runs one OS thread per GPU thread and pays ~1 ms per barrier;");
    Console.WriteLine("the ratios show how much work each kernel does, not GPU speed.");
}

var (heads, batch) = simulator ? (1, 1) : (16, 4);
var lengths = simulator ? new[] { 128, 256, 512, 1024 } : new[] { 1024, 2048, 4096, 8192, 16384 };
var denseLimit = simulator ? 1024 : 16384;
Console.WriteLine($"Shape: batch {batch}, heads {heads}, head 64; window {Windowed.Window}");
Console.WriteLine();
var warmedUp = false;
Console.WriteLine($"{"seq",6} {"windowed ms",12} {"dense ms",10} {"dense/windowed",15} {"runtime-window ms",18} {"runtime/baked",14} {"windowed ms per 1k queries",27}");

// Compile every kernel and start the simulator's threads before anything is timed.
foreach (var length in lengths.Take(1).Concat(lengths))
{
    var timed = length != lengths[0] || warmedUp;
    warmedUp = true;
    var shape = new AttentionShape(batch, length, length, heads, heads);
    var random = new Random(length);
    float[] Fill(long count) => Enumerable.Range(0, (int)count).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
    using var q = accelerator.Allocate1D(Fill(shape.QueryElements(64)));
    using var k = accelerator.Allocate1D(Fill(shape.KeyElements(64)));
    using var v = accelerator.Allocate1D(Fill(shape.KeyElements(64)));
    using var output = accelerator.Allocate1D<float>(shape.QueryElements(64));

    var windowed = Harness.MedianMilliseconds(accelerator, () => Windowed.Forward(accelerator, q.View, k.View, v.View, output.View, shape));
    var runtime = Harness.MedianMilliseconds(accelerator, () => Windowed.ForwardWithRuntimeWindow(accelerator.DefaultStream, q.View, k.View, v.View, output.View, Windowed.Window, shape));
    var dense = length <= denseLimit
        ? Harness.MedianMilliseconds(accelerator, () => Dense.Forward(accelerator, q.View, k.View, v.View, output.View, shape))
        : double.NaN;
    if (timed)
    {
        Console.WriteLine($"{length,6} {windowed,12:F1} {(double.IsNaN(dense) ? "-" : dense.ToString("F1")),10} {(double.IsNaN(dense) ? "-" : (dense / windowed).ToString("F2")),15} {runtime,18:F1} {runtime / windowed,14:F2} {windowed / length * 1000,27:F1}");
    }
}
