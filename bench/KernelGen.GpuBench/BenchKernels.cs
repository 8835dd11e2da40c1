using System.Collections.Generic;
using ILGPU;
using ILGPU.Runtime;
using Half = ILGPU.Half;

namespace KernelGen.GpuBench;

/// <summary>Queues one attention call on the buffers (in their element type) and returns without waiting.</summary>
internal delegate void DeviceLaunch(AcceleratorStream stream, AttentionBuffers buffers, AttentionShape shape);

/// <summary>One generated kernel that the bench checks and times.</summary>
/// <param name="Implementation">What runs: the baked window, the same body with the window at run time, or dense causal.</param>
/// <param name="Element">The element type of q, k, v and output.</param>
/// <param name="HeadDim">The spec's head size.</param>
/// <param name="SoftmaxScale">The spec's factor on <c>q·k</c>, for the reference.</param>
/// <param name="Window">The window the kernel applies, for the reference and the FLOP count.</param>
/// <param name="Launch">Queues the kernel.</param>
internal sealed record BenchKernel(
    string Implementation, AttentionElement Element, int HeadDim, float SoftmaxScale, AttentionWindow Window, DeviceLaunch Launch)
{
    /// <summary>How many keys the window spans (<c>Left + Right + 1</c>), or null when a side is unbounded.</summary>
    public int? WindowKeys => Window.Left is int left && Window.Right is int right ? left + right + 1 : null;

    /// <summary>The element type as the table and the peers' CSV name it.</summary>
    public string ElementName => Element switch
    {
        AttentionElement.Float16 => "fp16",
        AttentionElement.BFloat16 => "bf16",
        _ => "fp32",
    };
}

/// <summary>Every kernel in the table: for each head size and element type, dense causal, then each window baked and at run time.</summary>
internal static class BenchKernels
{
    public static IReadOnlyList<BenchKernel> All { get; } =
    [
        Dense(CausalHead64.HeadDim, CausalHead64.SoftmaxScale, CausalHead64.Window, Typed<float>(CausalHead64.Forward)),
        .. Windowed(Window1024Head64.HeadDim, Window1024Head64.SoftmaxScale, Window1024Head64.Window, Typed<float>(Window1024Head64.Forward), Typed<float>(Window1024Head64.ForwardWithRuntimeWindow)),
        .. Windowed(Window4096Head64.HeadDim, Window4096Head64.SoftmaxScale, Window4096Head64.Window, Typed<float>(Window4096Head64.Forward), Typed<float>(Window4096Head64.ForwardWithRuntimeWindow)),
        Dense(CausalHead64Float16.HeadDim, CausalHead64Float16.SoftmaxScale, CausalHead64Float16.Window, Typed<Half>(CausalHead64Float16.Forward), AttentionElement.Float16),
        .. Windowed(Window1024Head64Float16.HeadDim, Window1024Head64Float16.SoftmaxScale, Window1024Head64Float16.Window, Typed<Half>(Window1024Head64Float16.Forward), Typed<Half>(Window1024Head64Float16.ForwardWithRuntimeWindow), AttentionElement.Float16),
        .. Windowed(Window4096Head64Float16.HeadDim, Window4096Head64Float16.SoftmaxScale, Window4096Head64Float16.Window, Typed<Half>(Window4096Head64Float16.Forward), Typed<Half>(Window4096Head64Float16.ForwardWithRuntimeWindow), AttentionElement.Float16),
        Dense(CausalHead64BFloat16.HeadDim, CausalHead64BFloat16.SoftmaxScale, CausalHead64BFloat16.Window, Typed<BFloat16>(CausalHead64BFloat16.Forward), AttentionElement.BFloat16),
        .. Windowed(Window1024Head64BFloat16.HeadDim, Window1024Head64BFloat16.SoftmaxScale, Window1024Head64BFloat16.Window, Typed<BFloat16>(Window1024Head64BFloat16.Forward), Typed<BFloat16>(Window1024Head64BFloat16.ForwardWithRuntimeWindow), AttentionElement.BFloat16),
        .. Windowed(Window4096Head64BFloat16.HeadDim, Window4096Head64BFloat16.SoftmaxScale, Window4096Head64BFloat16.Window, Typed<BFloat16>(Window4096Head64BFloat16.Forward), Typed<BFloat16>(Window4096Head64BFloat16.ForwardWithRuntimeWindow), AttentionElement.BFloat16),
        Dense(CausalHead128.HeadDim, CausalHead128.SoftmaxScale, CausalHead128.Window, Typed<float>(CausalHead128.Forward)),
        .. Windowed(Window1024Head128.HeadDim, Window1024Head128.SoftmaxScale, Window1024Head128.Window, Typed<float>(Window1024Head128.Forward), Typed<float>(Window1024Head128.ForwardWithRuntimeWindow)),
        .. Windowed(Window4096Head128.HeadDim, Window4096Head128.SoftmaxScale, Window4096Head128.Window, Typed<float>(Window4096Head128.Forward), Typed<float>(Window4096Head128.ForwardWithRuntimeWindow)),
        Dense(CausalHead128Float16.HeadDim, CausalHead128Float16.SoftmaxScale, CausalHead128Float16.Window, Typed<Half>(CausalHead128Float16.Forward), AttentionElement.Float16),
        .. Windowed(Window1024Head128Float16.HeadDim, Window1024Head128Float16.SoftmaxScale, Window1024Head128Float16.Window, Typed<Half>(Window1024Head128Float16.Forward), Typed<Half>(Window1024Head128Float16.ForwardWithRuntimeWindow), AttentionElement.Float16),
        .. Windowed(Window4096Head128Float16.HeadDim, Window4096Head128Float16.SoftmaxScale, Window4096Head128Float16.Window, Typed<Half>(Window4096Head128Float16.Forward), Typed<Half>(Window4096Head128Float16.ForwardWithRuntimeWindow), AttentionElement.Float16),
        Dense(CausalHead128BFloat16.HeadDim, CausalHead128BFloat16.SoftmaxScale, CausalHead128BFloat16.Window, Typed<BFloat16>(CausalHead128BFloat16.Forward), AttentionElement.BFloat16),
        .. Windowed(Window1024Head128BFloat16.HeadDim, Window1024Head128BFloat16.SoftmaxScale, Window1024Head128BFloat16.Window, Typed<BFloat16>(Window1024Head128BFloat16.Forward), Typed<BFloat16>(Window1024Head128BFloat16.ForwardWithRuntimeWindow), AttentionElement.BFloat16),
        .. Windowed(Window4096Head128BFloat16.HeadDim, Window4096Head128BFloat16.SoftmaxScale, Window4096Head128BFloat16.Window, Typed<BFloat16>(Window4096Head128BFloat16.Forward), Typed<BFloat16>(Window4096Head128BFloat16.ForwardWithRuntimeWindow), AttentionElement.BFloat16),
    ];

    /// <summary>A spec's <c>Forward</c> on a stream, on device views of its element type.</summary>
    private delegate void TypedLaunch<T>(AcceleratorStream stream, ArrayView<T> q, ArrayView<T> k, ArrayView<T> v, ArrayView<T> output, AttentionShape shape)
        where T : unmanaged;

    /// <summary>A spec's <c>ForwardWithRuntimeWindow</c>, on device views of its element type.</summary>
    private delegate void TypedRuntimeWindowLaunch<T>(
        AcceleratorStream stream, ArrayView<T> q, ArrayView<T> k, ArrayView<T> v, ArrayView<T> output, AttentionWindow window, AttentionShape shape)
        where T : unmanaged;

    private delegate void RuntimeWindowLaunch(AcceleratorStream stream, AttentionBuffers buffers, AttentionWindow window, AttentionShape shape);

    private static DeviceLaunch Typed<T>(TypedLaunch<T> forward)
        where T : unmanaged =>
        (stream, buffers, shape) => forward(stream, buffers.Query<T>(), buffers.Key<T>(), buffers.Value<T>(), buffers.Output<T>(), shape);

    private static RuntimeWindowLaunch Typed<T>(TypedRuntimeWindowLaunch<T> forward)
        where T : unmanaged =>
        (stream, buffers, window, shape) => forward(stream, buffers.Query<T>(), buffers.Key<T>(), buffers.Value<T>(), buffers.Output<T>(), window, shape);

    private static BenchKernel Dense(int headDim, float softmaxScale, AttentionWindow window, DeviceLaunch forward, AttentionElement element = AttentionElement.Float32) =>
        new("kernelgen dense-causal", element, headDim, softmaxScale, window, forward);

    private static BenchKernel[] Windowed(
        int headDim, float softmaxScale, AttentionWindow window, DeviceLaunch forward, RuntimeWindowLaunch forwardWithRuntimeWindow,
        AttentionElement element = AttentionElement.Float32) =>
    [
        new("kernelgen baked", element, headDim, softmaxScale, window, forward),
        new("kernelgen runtime-window", element, headDim, softmaxScale, window,
            (stream, buffers, shape) => forwardWithRuntimeWindow(stream, buffers, window, shape)),
    ];
}
