using System;
using System.Linq;
using System.Numerics;
using System.Runtime.Intrinsics;
using KernelGen;

// Runs the CPU kernel on shapes that cross its tiles and compares with the fp64 reference, and its fp16 and bf16 twins
// with the fp32 kernel's output rounded (the element conversions have vector paths of their own). Prints the vector
// width it ran with; exits 1 when a result is off, so the caller can run it under any SIMD setting.
Console.WriteLine($"Vector<float>: {Vector<float>.Count} lanes, hardware accelerated: {Vector.IsHardwareAccelerated}; Vector256: {Vector256.IsHardwareAccelerated}; Vector128: {Vector128.IsHardwareAccelerated}");
var failures = 0;
foreach (var shape in new AttentionShape[] { new(1, 70, 90, 4, 2), new(2, 1, 130, 3, 1), new(1, 33, 20, 1, 1) })
{
    failures += Check("window (7, 2), head 48, soft cap, sinks", 48, true, new(WindowSpec.SoftmaxScale, WindowSpec.LogitSoftCap), WindowSpec.Window, shape,
        (q, k, v, s, o, l) => WindowSpec.ForwardCpu(q, k, v, s, o, l, shape));
    failures += Check("causal, head 64", 64, false, new(CausalSpec.SoftmaxScale), CausalSpec.Window, shape,
        (q, k, v, s, o, l) => CausalSpec.ForwardCpu(q, k, v, o, l, shape));
    failures += CheckRounded<Half>("fp16 window (7, 2)", shape, (q, k, v, s, o, l) => WindowSpecFloat16.ForwardCpu(q, k, v, s, o, l, shape));
    failures += CheckRounded<BFloat16>("bf16 window (7, 2)", shape, (q, k, v, s, o, l) => WindowSpecBFloat16.ForwardCpu(q, k, v, s, o, l, shape));
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

// The 16-bit spec's output must be the fp32 spec's output on the same (widened) inputs, rounded: bit for bit.
static int CheckRounded<TElement>(string name, AttentionShape shape, Action<TElement[], TElement[], TElement[], float[], TElement[], float[]> forward)
    where TElement : unmanaged
{
    const int HeadDim = 48;
    var random = new Random(shape.SeqQ * 17 + shape.SeqK);
    TElement[] Fill(long length) => Enumerable.Range(0, (int)length).Select(_ => ElementSpans.Narrow<TElement>((float)((random.NextDouble() * 4) - 2))).ToArray();
    float[] Widen(TElement[] values) => values.Select(value => ElementSpans.Widen(value)).ToArray();
    var (q, k, v) = (Fill(shape.QueryElements(HeadDim)), Fill(shape.KeyElements(HeadDim)), Fill(shape.KeyElements(HeadDim)));
    var sinkLogits = Enumerable.Range(0, shape.Heads).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
    var output = new TElement[q.Length];
    var logSumExp = new float[shape.LogSumExpElements];
    forward(q, k, v, sinkLogits, output, logSumExp);
    var wide = new float[q.Length];
    var wideLogSumExp = new float[shape.LogSumExpElements];
    WindowSpec.ForwardCpu(Widen(q), Widen(k), Widen(v), sinkLogits, wide, wideLogSumExp, shape);

    var rounded = Widen(wide.Select(value => ElementSpans.Narrow<TElement>(value)).ToArray());
    var differing = Widen(output).Where((value, index) => BitConverter.SingleToUInt32Bits(value) != BitConverter.SingleToUInt32Bits(rounded[index])).Count();
    var ok = differing == 0 && logSumExp.SequenceEqual(wideLogSumExp);
    Console.WriteLine($"{name}, {shape}: {differing} of {output.Length} outputs differ from the fp32 kernel's rounded -> {(ok ? "OK" : "FAILED")}");
    return ok ? 0 : 1;
}

[AttentionKernel(HeadDim = 48, LogitSoftCap = 4, Sinks = true)]
[SlidingWindow(Left = 7, Right = 2, Inclusive = true)]
internal static partial class WindowSpec;

[AttentionKernel(HeadDim = 48, LogitSoftCap = 4, Sinks = true, Element = AttentionElement.Float16)]
[SlidingWindow(Left = 7, Right = 2, Inclusive = true)]
internal static partial class WindowSpecFloat16;

[AttentionKernel(HeadDim = 48, LogitSoftCap = 4, Sinks = true, Element = AttentionElement.BFloat16)]
[SlidingWindow(Left = 7, Right = 2, Inclusive = true)]
internal static partial class WindowSpecBFloat16;

[AttentionKernel(HeadDim = 64, Causal = true)]
internal static partial class CausalSpec;
