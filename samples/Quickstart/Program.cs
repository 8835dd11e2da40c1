using System;
using System.Diagnostics;
using System.Linq;
using KernelGen;
using Quickstart;

// Runs three generated kernels on the default device (the ILGPU kernel on CUDA when present, the CPU kernel
// otherwise), checks each against the fp64 reference, and prints every backend's parameters for each window.
using var device = KernelGenDevice.CreateDefault();
var tolerance = device.Accelerator is null ? 1e-5 : 1e-3; // CUDA's exp is ex2.approx
Console.WriteLine($"Device: {device}; each output is compared with the fp64 reference by its largest absolute difference");

var failures = 0;
failures += Run("Mistral-style prefill", MistralStyleAttention.Window, MistralStyleAttention.HeadDim, new AttentionShape(1, 96, 96, 4, 2),
    MistralStyleAttention.SoftmaxScale, (q, k, v, o, shape) => MistralStyleAttention.Forward(device, q, k, v, o, shape));
failures += Run("Longformer-style", LongformerStyleAttention.Window, LongformerStyleAttention.HeadDim, new AttentionShape(2, 48, 48, 2, 2),
    LongformerStyleAttention.SoftmaxScale, (q, k, v, o, shape) => LongformerStyleAttention.Forward(device, q, k, v, o, shape));
failures += Run("Mistral decode step", MistralDecodeAttention.Window, MistralDecodeAttention.HeadDim, new AttentionShape(1, 1, 4200, 4, 1),
    MistralDecodeAttention.SoftmaxScale, (q, k, v, o, shape) => MistralDecodeAttention.Forward(device, q, k, v, o, shape));

Console.WriteLine(failures == 0 ? "All kernels match the reference." : $"{failures} kernel(s) do not match the reference.");
return failures == 0 ? 0 : 1;

int Run(string name, AttentionWindow window, int headDim, AttentionShape shape, float scale, Action<float[], float[], float[], float[], AttentionShape> forward)
{
    var random = new Random(2026);
    float[] Fill(long length) => Enumerable.Range(0, (int)length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    var q = Fill(shape.QueryElements(headDim));
    var k = Fill(shape.KeyElements(headDim));
    var v = Fill(shape.KeyElements(headDim));
    var output = new float[q.Length];

    var timer = Stopwatch.StartNew();
    forward(q, k, v, output, shape);
    var elapsed = timer.Elapsed;
    var expected = ReferenceAttention.Compute(q, k, v, shape, headDim, window, new ReferenceAttention.Options(scale));
    var error = ErrorReport.Compare(output, expected.Output);
    var ok = error.MaxAbsolute <= tolerance;

    Console.WriteLine();
    Console.WriteLine($"{name}: {window}, head {headDim}, {shape}");
    var (batch, query, head, dim) = shape.QueryPosition(error.WorstIndex, headDim);
    Console.WriteLine($"  kernel vs fp64 reference: max abs difference {error.MaxAbsolute:E2} (tolerance {tolerance:E0}), largest at (batch {batch}, query {query}, head {head}, dim {dim}), in {elapsed.TotalMilliseconds:F0} ms -> {(ok ? "OK" : "MISMATCH")}");
    foreach (var backend in BackendDescriptor.All)
    {
        var text = backend.TryConvert(window, out var parameters, out var reason)
            ? backend.PinText(parameters!)
            : $"cannot express it: {reason}";
        Console.WriteLine($"  {backend.DisplayName,-18} {text}");
    }

    return ok ? 0 : 1;
}
