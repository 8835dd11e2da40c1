using System;
using ILGPU;
using ILGPU.Runtime;

namespace KernelGen;

/// <summary>
/// What every generated kernel does before it launches: check every size and buffer (on the CPU accelerator an
/// out-of-range access kills the process, so nothing reaches a kernel unchecked), choose the grid, and run
/// host-memory calls through device buffers.
/// </summary>
public static class AttentionLauncher
{
    /// <summary>The buffers of one call, on the device.</summary>
    /// <param name="Query">Queries, <c>[batch, seqQ, heads, headDim]</c>.</param>
    /// <param name="Key">Keys, <c>[batch, seqK, kvHeads, headDim]</c>.</param>
    /// <param name="Value">Values, <c>[batch, seqK, kvHeads, headDim]</c>.</param>
    /// <param name="SinkLogits">One sink logit per head, or empty for kernels without sinks.</param>
    /// <param name="Output">Output, shaped like the queries.</param>
    /// <param name="LogSumExp">Log-sum-exp per <c>[batch, head, query]</c>, or empty when not wanted.</param>
    public readonly record struct Buffers(
        ArrayView<float> Query, ArrayView<float> Key, ArrayView<float> Value, ArrayView<float> SinkLogits,
        ArrayView<float> Output, ArrayView<float> LogSumExp);

    /// <summary>Launches a kernel on validated device buffers.</summary>
    public delegate void Launch(AcceleratorStream stream, Buffers buffers, AttentionShape shape);

    /// <summary>
    /// Validates <paramref name="accelerator"/> (not disposed, nor its context; enough threads per group), that every
    /// buffer is its memory, <paramref name="shape"/> and every buffer length, then returns the launch grid (one group
    /// per query tile, head and batch) and the kernel's runtime arguments.
    /// </summary>
    public static (KernelConfig Config, AttentionKernelArguments Arguments) Prepare(
        Accelerator accelerator, Buffers buffers, AttentionShape shape, AttentionWindow window, int headDim, int queryTileSize, int threadsPerGroup,
        bool hasSinks, bool writesLogSumExp)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        AcceleratorGuard.ThrowIfDisposed(accelerator);
        if (threadsPerGroup > accelerator.MaxNumThreadsPerGroup)
        {
            // ILGPU's own message ("Invalid group dimensions ... exceeds maximum") would not say what to do.
            throw new NotSupportedException(
                $"This kernel runs {threadsPerGroup} threads per group, but {accelerator.Name} allows at most {accelerator.MaxNumThreadsPerGroup}. " +
                "For ILGPU's CPU accelerator, create it with KernelGenAccelerators.CreateCpu(context) (a CUDA-like CPU device, up to 1024 threads " +
                "per group) or with CPUDeviceKind.Nvidia; to run on the CPU for real, call the spec's ForwardCpu instead.");
        }

        AcceleratorGuard.ThrowIfElsewhere(buffers.Query, "q", accelerator);
        AcceleratorGuard.ThrowIfElsewhere(buffers.Key, "k", accelerator);
        AcceleratorGuard.ThrowIfElsewhere(buffers.Value, "v", accelerator);
        AcceleratorGuard.ThrowIfElsewhere(buffers.SinkLogits, "sinkLogits", accelerator);
        AcceleratorGuard.ThrowIfElsewhere(buffers.Output, "output", accelerator);
        AcceleratorGuard.ThrowIfElsewhere(buffers.LogSumExp, "logSumExp", accelerator);
        AttentionInputs.Validate(buffers.Query.Length, buffers.Key.Length, buffers.Value.Length, buffers.SinkLogits.Length,
            buffers.Output.Length, buffers.LogSumExp.Length, shape, headDim, hasSinks, writesLogSumExp);
        var queryTiles = (shape.SeqQ + queryTileSize - 1) / queryTileSize;
        var config = new KernelConfig(new Index3D(queryTiles, shape.Heads, shape.Batch), new Index3D(threadsPerGroup, 1, 1));
        return (config, new AttentionKernelArguments(shape, window.DiagonalOffset(shape.SeqQ, shape.SeqK), writesLogSumExp));
    }

    /// <summary>
    /// Runs a kernel on host memory: validates first, copies the inputs to the device, launches, waits, and
    /// copies the results back.
    /// </summary>
    public static void RunOnHost(
        Accelerator accelerator, ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value,
        ReadOnlySpan<float> sinkLogits, Span<float> output, Span<float> logSumExp, AttentionShape shape, int headDim,
        bool hasSinks, bool writesLogSumExp, Launch launch)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        ArgumentNullException.ThrowIfNull(launch);
        AcceleratorGuard.ThrowIfDisposed(accelerator);
        AttentionInputs.Validate(query.Length, key.Length, value.Length, sinkLogits.Length, output.Length, logSumExp.Length,
            shape, headDim, hasSinks, writesLogSumExp);

        using var queryBuffer = Upload(accelerator, query);
        using var keyBuffer = Upload(accelerator, key);
        using var valueBuffer = Upload(accelerator, value);
        using var sinkBuffer = Upload(accelerator, sinkLogits);
        using var outputBuffer = Upload(accelerator, output.Length);
        using var logSumExpBuffer = Upload(accelerator, logSumExp.Length);
        var buffers = new Buffers(ViewOf(queryBuffer), ViewOf(keyBuffer), ViewOf(valueBuffer), ViewOf(sinkBuffer), ViewOf(outputBuffer), ViewOf(logSumExpBuffer));
        launch(accelerator.DefaultStream, buffers, shape);
        accelerator.DefaultStream.Synchronize();
        outputBuffer?.View.BaseView.CopyToCPU(output);
        logSumExpBuffer?.View.BaseView.CopyToCPU(logSumExp);
    }

    // ILGPU cannot allocate empty buffers: an absent optional buffer (no sinks, no log-sum-exp) stays a default view.
    private static MemoryBuffer1D<float, Stride1D.Dense>? Upload(Accelerator accelerator, ReadOnlySpan<float> data) =>
        data.IsEmpty ? null : accelerator.Allocate1D(data.ToArray());

    private static MemoryBuffer1D<float, Stride1D.Dense>? Upload(Accelerator accelerator, int length) =>
        length == 0 ? null : accelerator.Allocate1D<float>(length);

    private static ArrayView<float> ViewOf(MemoryBuffer1D<float, Stride1D.Dense>? buffer) => buffer?.View.BaseView ?? default;
}
