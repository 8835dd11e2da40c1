using System;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace KernelGen;

/// <summary>
/// The second kernel of a split-key (flash-decoding) call: for each (query, head) row it combines the parts' partial
/// results by log-sum-exp, <c>max = max_s m_s</c>, <c>sum = Σ_s l_s · exp(m_s - max)</c>,
/// <c>output = Σ_s o_s · exp(m_s - max)</c>, then finishes the row as the tiled kernel does (<see cref="SoftmaxRow"/>).
/// Queued on the same stream after the tiled kernel, so it reads complete parts without any cross-group atomics.
/// </summary>
public static class SplitKeyCombine
{
    /// <summary>Queues the combine kernel: one group per (query, head, sequence), one thread per head dimension.</summary>
    /// <param name="stream">The stream the tiled kernel was queued on.</param>
    /// <param name="partials">The parts, laid out as <see cref="AttentionSchedule.PartialRow"/> says.</param>
    /// <param name="buffers">The call's buffers: sinks, output, log-sum-exp and layouts are read or written.</param>
    /// <param name="geometry">The call's sizes.</param>
    /// <param name="schedule">The call's schedule, with its split count.</param>
    /// <param name="window">The window, to tell rows that see no key.</param>
    /// <typeparam name="TConstants">The spec's constants.</typeparam>
    /// <typeparam name="TWindow">The window bounds' type.</typeparam>
    /// <typeparam name="TElement">The output's element type.</typeparam>
    /// <typeparam name="TFormat">How an output element is stored (rounded from fp32).</typeparam>
    public static void Queue<TConstants, TWindow, TElement, TFormat>(
        AcceleratorStream stream, ArrayView<float> partials, SequenceBuffers<TElement> buffers, SequenceGeometry geometry, AttentionSchedule schedule, TWindow window)
        where TConstants : struct, IKernelConstants
        where TWindow : struct, IWindowBounds
        where TElement : unmanaged
        where TFormat : struct, IElementFormat<TElement>
    {
        ArgumentNullException.ThrowIfNull(stream);
        var config = new KernelConfig(new Index3D(geometry.MaxQueryCount, geometry.Heads, geometry.Sequences), new Index3D(geometry.HeadDim, 1, 1));
        Compiled<TConstants, TWindow, TElement, TFormat>.Kernels.Get(stream.Accelerator)(
            stream, config, partials, buffers.SinkLogits, buffers.Output, buffers.LogSumExp, buffers.Sequences, geometry, schedule, default, window, default);
    }

    private static void Kernel<TConstants, TWindow, TElement, TFormat>(
        ArrayView<float> partials, ArrayView<float> sinkLogits, ArrayView<TElement> output, ArrayView<float> logSumExp,
        ArrayView<SequenceLayout> sequences, SequenceGeometry geometry, AttentionSchedule schedule, TConstants constants, TWindow window, TFormat format)
        where TConstants : struct, IKernelConstants
        where TWindow : struct, IWindowBounds
        where TElement : unmanaged
        where TFormat : struct, IElementFormat<TElement>
    {
        int query = Grid.IdxX;
        int head = Grid.IdxY;
        int dim = Group.IdxX;
        var sequence = schedule.Sequence(sequences, geometry, Grid.IdxZ);

        // No barriers here, so a group past the sequence's last query may simply stop.
        if (query >= sequence.QueryCount)
        {
            return;
        }

        long first = schedule.PartialRow(geometry, Grid.IdxZ, query, head, 0);
        int stride = constants.HeadDim + AttentionSchedule.PartialStatistics;
        float max = float.NegativeInfinity;
        for (int split = 0; split < schedule.Splits; split++)
        {
            float partMax = partials[first + (split * stride) + constants.HeadDim];
            max = partMax > max ? partMax : max;
        }

        // Shift by 0 while every part is empty or -inf, so exp() never sees -inf - -inf. A part that saw nothing has
        // max -inf, sum 0 and output 0, and so adds exactly 0.
        float shift = max == float.NegativeInfinity ? 0f : max;
        float sum = 0f;
        float value = 0f;
        for (int split = 0; split < schedule.Splits; split++)
        {
            long part = first + (split * stride);
            float weight = XMath.Exp(partials[part + constants.HeadDim] - shift);
            sum += partials[part + constants.HeadDim + 1] * weight;
            value += partials[part + dim] * weight;
        }

        var finished = SoftmaxRow.Finish(constants, window, sinkLogits, head, query, sequence, max, sum);
        output[geometry.QueryRow(sequence, query, head) + dim] = format.Narrow(value * finished.OutputScale);
        if (dim == 0 && geometry.WritesLogSumExp != 0)
        {
            logSumExp[geometry.LogSumExpIndex(sequence, head, query)] = finished.LogSumExp;
        }
    }

    // One compiled kernel per spec (constants, window and element types) and accelerator.
    private static class Compiled<TConstants, TWindow, TElement, TFormat>
        where TConstants : struct, IKernelConstants
        where TWindow : struct, IWindowBounds
        where TElement : unmanaged
        where TFormat : struct, IElementFormat<TElement>
    {
        public static readonly KernelCache<Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<TElement>, ArrayView<float>,
            ArrayView<SequenceLayout>, SequenceGeometry, AttentionSchedule, TConstants, TWindow, TFormat>> Kernels =
            new(accelerator => KernelLoaders.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<TElement>, ArrayView<float>,
                ArrayView<SequenceLayout>, SequenceGeometry, AttentionSchedule, TConstants, TWindow, TFormat>(accelerator, Kernel));
    }
}
