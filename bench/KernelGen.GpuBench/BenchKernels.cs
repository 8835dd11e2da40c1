using System.Collections.Generic;
using ILGPU;
using ILGPU.Runtime;

namespace KernelGen.GpuBench;

/// <summary>Queues one attention call on device buffers and returns without waiting.</summary>
internal delegate void DeviceLaunch(
    AcceleratorStream stream, ArrayView<float> q, ArrayView<float> k, ArrayView<float> v, ArrayView<float> output, AttentionShape shape);

/// <summary>One generated kernel that the bench checks and times.</summary>
/// <param name="Implementation">What runs: the baked window, the same body with the window at run time, or dense causal.</param>
/// <param name="ElementType">The element type of q, k, v and output.</param>
/// <param name="HeadDim">The spec's head size.</param>
/// <param name="SoftmaxScale">The spec's factor on <c>q·k</c>, for the reference.</param>
/// <param name="Window">The window the kernel applies, for the reference and the FLOP count.</param>
/// <param name="Launch">Queues the kernel.</param>
internal sealed record BenchKernel(
    string Implementation, string ElementType, int HeadDim, float SoftmaxScale, AttentionWindow Window, DeviceLaunch Launch)
{
    /// <summary>How many keys the window spans (<c>Left + Right + 1</c>), or null when a side is unbounded.</summary>
    public int? WindowKeys => Window.Left is int left && Window.Right is int right ? left + right + 1 : null;
}

/// <summary>Every kernel in the table. The generated kernels take fp32 only, so every row is fp32.</summary>
internal static class BenchKernels
{
    private const string Fp32 = "fp32";

    public static IReadOnlyList<BenchKernel> All { get; } =
    [
        Dense(CausalHead64.HeadDim, CausalHead64.SoftmaxScale, CausalHead64.Window, CausalHead64.Forward),
        .. Windowed(Window1024Head64.HeadDim, Window1024Head64.SoftmaxScale, Window1024Head64.Window, Window1024Head64.Forward, Window1024Head64.ForwardWithRuntimeWindow),
        .. Windowed(Window4096Head64.HeadDim, Window4096Head64.SoftmaxScale, Window4096Head64.Window, Window4096Head64.Forward, Window4096Head64.ForwardWithRuntimeWindow),
        Dense(CausalHead128.HeadDim, CausalHead128.SoftmaxScale, CausalHead128.Window, CausalHead128.Forward),
        .. Windowed(Window1024Head128.HeadDim, Window1024Head128.SoftmaxScale, Window1024Head128.Window, Window1024Head128.Forward, Window1024Head128.ForwardWithRuntimeWindow),
        .. Windowed(Window4096Head128.HeadDim, Window4096Head128.SoftmaxScale, Window4096Head128.Window, Window4096Head128.Forward, Window4096Head128.ForwardWithRuntimeWindow),
    ];

    private delegate void RuntimeWindowLaunch(
        AcceleratorStream stream, ArrayView<float> q, ArrayView<float> k, ArrayView<float> v, ArrayView<float> output,
        AttentionWindow window, AttentionShape shape);

    private static BenchKernel Dense(int headDim, float softmaxScale, AttentionWindow window, DeviceLaunch forward) =>
        new("kernelgen dense-causal", Fp32, headDim, softmaxScale, window, forward);

    private static BenchKernel[] Windowed(
        int headDim, float softmaxScale, AttentionWindow window, DeviceLaunch forward, RuntimeWindowLaunch forwardWithRuntimeWindow) =>
    [
        new("kernelgen baked", Fp32, headDim, softmaxScale, window, forward),
        new("kernelgen runtime-window", Fp32, headDim, softmaxScale, window,
            (stream, q, k, v, output, shape) => forwardWithRuntimeWindow(stream, q, k, v, output, window, shape)),
    ];
}
