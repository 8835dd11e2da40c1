using System;
using ILGPU;
using ILGPU.Runtime;

namespace KernelGen.Bench;

/// <summary>A benchmarked spec: its window and head size, and its kernels as calls on host (and device) memory.</summary>
internal sealed record BenchSpec(
    int WindowKeys, int HeadDim, AttentionWindow Window,
    BenchSpec.CpuForward Baked, BenchSpec.CpuRuntimeForward Runtime, BenchSpec.DeviceForward Device)
{
    public delegate void CpuForward(float[] q, float[] k, float[] v, float[] output, AttentionShape shape, CpuAttentionOptions options);

    public delegate void CpuRuntimeForward(float[] q, float[] k, float[] v, float[] output, AttentionWindow window, AttentionShape shape, CpuAttentionOptions options);

    public delegate void DeviceForward(Accelerator accelerator, ArrayView<float> q, ArrayView<float> k, ArrayView<float> v, ArrayView<float> output, AttentionShape shape);

    public static BenchSpec[] All { get; } =
    {
        new(256, 64, Window256Head64.Window,
            (q, k, v, o, shape, options) => Window256Head64.ForwardCpu(q, k, v, o, shape, options),
            (q, k, v, o, window, shape, options) => Window256Head64.ForwardCpuWithRuntimeWindow(q, k, v, o, window, shape, options),
            (accelerator, q, k, v, o, shape) => Window256Head64.Forward(accelerator, q, k, v, o, shape)),
        new(256, 128, Window256Head128.Window,
            (q, k, v, o, shape, options) => Window256Head128.ForwardCpu(q, k, v, o, shape, options),
            (q, k, v, o, window, shape, options) => Window256Head128.ForwardCpuWithRuntimeWindow(q, k, v, o, window, shape, options),
            (accelerator, q, k, v, o, shape) => Window256Head128.Forward(accelerator, q, k, v, o, shape)),
        new(4096, 64, Window4096Head64.Window,
            (q, k, v, o, shape, options) => Window4096Head64.ForwardCpu(q, k, v, o, shape, options),
            (q, k, v, o, window, shape, options) => Window4096Head64.ForwardCpuWithRuntimeWindow(q, k, v, o, window, shape, options),
            (accelerator, q, k, v, o, shape) => Window4096Head64.Forward(accelerator, q, k, v, o, shape)),
        new(4096, 128, Window4096Head128.Window,
            (q, k, v, o, shape, options) => Window4096Head128.ForwardCpu(q, k, v, o, shape, options),
            (q, k, v, o, window, shape, options) => Window4096Head128.ForwardCpuWithRuntimeWindow(q, k, v, o, window, shape, options),
            (accelerator, q, k, v, o, shape) => Window4096Head128.Forward(accelerator, q, k, v, o, shape)),
    };

    public static BenchSpec Find(int windowKeys, int headDim) =>
        Array.Find(All, spec => spec.WindowKeys == windowKeys && spec.HeadDim == headDim) ?? throw new ArgumentException($"no spec for window {windowKeys}, head {headDim}");

    /// <summary>Useful FLOPs: 4 · head size · heads · visible (query, key) pairs (Q·Kᵀ and P·V, a multiply-add each).</summary>
    public double UsefulFlops(AttentionShape shape) => 4.0 * HeadDim * shape.Heads * shape.Batch * Window.VisiblePairs(shape.SeqQ, shape.SeqK);
}
