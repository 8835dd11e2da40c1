using System;
using System.Linq;
using System.Numerics;
using System.Runtime.Intrinsics;
using KernelGen;

// Runs the CPU kernel on shapes that cross its tiles and compares with the fp64 reference. Prints the vector width
// it ran with; exits 1 when a result is off, so the caller can run it under any SIMD setting.
Console.WriteLine($"Vector<float>: {Vector<float>.Count} lanes, hardware accelerated: {Vector.IsHardwareAccelerated}; Vector256: {Vector256.IsHardwareAccelerated}; Vector128: {Vector128.IsHardwareAccelerated}");
var failures = 0;
foreach (var shape in new AttentionShape[] { new(1, 70, 90, 4, 2), new(2, 1, 130, 3, 1), new(1, 33, 20, 1, 1) })
{
    failures += Check("window (7, 2), head 48, soft cap, sinks", 48, true, new(WindowSpec.SoftmaxScale, WindowSpec.LogitSoftCap), WindowSpec.Window, shape,
        (q, k, v, s, o, l) => WindowSpec.ForwardCpu(q, k, v, s, o, l, shape));
    failures += Check("causal, head 64", 64, false, new(CausalSpec.SoftmaxScale), CausalSpec.Window, shape,
        (q, k, v, s, o, l) => CausalSpec.ForwardCpu(q, k, v, o, l, shape));
}

return failures == 0 ? 0 : 1;

static int Check(string name, int headDim, bool sinks, ReferenceAttention.Options options, AttentionWindow window, AttentionShape shape, Action<float[], float[], float[], float[], float[], float[]> forward)
{
    var random = new Random(shape.SeqQ * 31 + shape.SeqK);
    float[] Fill(long length) => Enumerable.Range(0, (int)length).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
    var (q, k, v) = (Fill(shape.QueryElements(headDim)), Fill(shape.KeyElements(headDim)), Fill(shape.KeyElements(headDim)));
    var sinkLogits = sinks ? Fill(shape.Heads) : Array.Empty<float>();
    var output = new float[q.Length];
    var logSumExp = new float[shape.LogSumExpElements];
    forward(q, k, v, sinkLogits, output, logSumExp);
    var expected = ReferenceAttention.Compute(q, k, v, shape, headDim, window, options, sinkLogits);
    var outputError = ErrorReport.Compare(output, expected.Output);
    var logSumExpError = ErrorReport.Compare(logSumExp, expected.LogSumExp, relativeFloor: 1);
    var ok = outputError.MaxAbsolute <= 1e-5 && logSumExpError.MaxRelative <= 1e-5;
    Console.WriteLine($"{name}, {shape}: output {outputError}; log-sum-exp {logSumExpError} -> {(ok ? "OK" : "FAILED")}");
    return ok ? 0 : 1;
}

[AttentionKernel(HeadDim = 48, LogitSoftCap = 4, Sinks = true)]
[SlidingWindow(Left = 7, Right = 2, Inclusive = true)]
internal static partial class WindowSpec;

[AttentionKernel(HeadDim = 64, Causal = true)]
internal static partial class CausalSpec;
