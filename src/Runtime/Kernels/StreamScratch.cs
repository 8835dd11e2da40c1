using System;
using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;

namespace KernelGen;

/// <summary>
/// Device buffers the ILGPU launcher keeps per stream and reuses from call to call, so that no call allocates: the
/// split-key partial results, and the uploaded layouts of a packed batch. Calls on one stream run in order, so a call may
/// overwrite what the previous call on its stream read. A buffer that must grow is replaced only after its stream has
/// finished with it. Callers hold the scratch's lock from taking a buffer until their kernels are queued.
/// </summary>
internal sealed class StreamScratch
{
    private static readonly ConditionalWeakTable<AcceleratorStream, StreamScratch> ByStream = new();

    private MemoryBuffer1D<float, Stride1D.Dense>? _partials;
    private MemoryBuffer1D<SequenceLayout, Stride1D.Dense>? _layouts;

    /// <summary>The scratch of <paramref name="stream"/>, created on first use; it lives as long as the stream object.</summary>
    public static StreamScratch For(AcceleratorStream stream) => ByStream.GetValue(stream, _ => new StreamScratch());

    /// <summary>A buffer of at least <paramref name="elements"/> floats for partial results, on <paramref name="stream"/>.</summary>
    public ArrayView<float> Partials(AcceleratorStream stream, long elements) =>
        Reserve(ref _partials, stream, elements).View.SubView(0, elements);

    /// <summary>
    /// Copies <paramref name="layouts"/> to the device. ILGPU's copy from host memory synchronises the stream, so the
    /// previous call's kernels have read the old layouts by then; the next call on the stream may overwrite these.
    /// </summary>
    public ArrayView<SequenceLayout> Upload(AcceleratorStream stream, ReadOnlySpan<SequenceLayout> layouts)
    {
        var view = Reserve(ref _layouts, stream, layouts.Length).View.SubView(0, layouts.Length);
        view.CopyFromCPU(stream, layouts);
        return view;
    }

    private static MemoryBuffer1D<T, Stride1D.Dense> Reserve<T>(ref MemoryBuffer1D<T, Stride1D.Dense>? buffer, AcceleratorStream stream, long elements)
        where T : unmanaged
    {
        if (buffer is not null && buffer.Length >= elements)
        {
            return buffer;
        }

        // Kernels already queued on the stream may still read the old buffer; doubling keeps growth to a few steps.
        var length = Math.Max(elements, 2 * (buffer?.Length ?? 0));
        if (buffer is not null)
        {
            stream.Synchronize();
            buffer.Dispose();
        }

        buffer = stream.Accelerator.Allocate1D<T>(length);
        return buffer;
    }
}
