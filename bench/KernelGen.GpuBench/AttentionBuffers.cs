using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using Half = System.Half;

namespace KernelGen.GpuBench;

/// <summary>
/// Random q, k and v on the host (fp32, already rounded to the element type, for the reference) and on the device in
/// the element type, and a device output buffer, for one shape, head size and element type.
/// </summary>
internal sealed class AttentionBuffers : IDisposable
{
    private readonly MemoryBuffer1D<byte, Stride1D.Dense> _query;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense> _key;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense> _value;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense> _output;

    /// <summary>Fills q, k and v with values uniform in [-1, 1) from <paramref name="seed"/>, rounded to <paramref name="element"/>, and uploads them.</summary>
    public AttentionBuffers(Accelerator accelerator, AttentionShape shape, int headDim, AttentionElement element, int seed)
    {
        var random = new Random(seed);
        Element = element;
        HostQuery = Fill(random, shape.QueryElements(headDim));
        HostKey = Fill(random, shape.KeyElements(headDim));
        HostValue = Fill(random, shape.KeyElements(headDim));
        _query = Upload(accelerator, HostQuery);
        _key = Upload(accelerator, HostKey);
        _value = Upload(accelerator, HostValue);
        _output = accelerator.Allocate1D<byte>(shape.QueryElements(headDim) * ElementBytes);
    }

    public AttentionElement Element { get; }

    public float[] HostQuery { get; }

    public float[] HostKey { get; }

    public float[] HostValue { get; }

    /// <summary>The queries as the kernel of element type <typeparamref name="T"/> reads them.</summary>
    public ArrayView<T> Query<T>()
        where T : unmanaged => View<T>(_query);

    /// <summary>The keys as <typeparamref name="T"/>.</summary>
    public ArrayView<T> Key<T>()
        where T : unmanaged => View<T>(_key);

    /// <summary>The values as <typeparamref name="T"/>.</summary>
    public ArrayView<T> Value<T>()
        where T : unmanaged => View<T>(_value);

    /// <summary>The output as <typeparamref name="T"/>.</summary>
    public ArrayView<T> Output<T>()
        where T : unmanaged => View<T>(_output);

    /// <summary>Copies the output to the host, widened to fp32; call after the stream that wrote it is synchronised.</summary>
    public float[] DownloadOutput()
    {
        var bytes = _output.GetAsArray1D();
        return Element switch
        {
            AttentionElement.Float16 => FromDevice<Half>(bytes),
            AttentionElement.BFloat16 => FromDevice<BFloat16>(bytes),
            _ => FromDevice<float>(bytes),
        };
    }

    public void Dispose()
    {
        _query.Dispose();
        _key.Dispose();
        _value.Dispose();
        _output.Dispose();
    }

    private int ElementBytes => Element == AttentionElement.Float32 ? sizeof(float) : 2;

    private ArrayView<T> View<T>(MemoryBuffer1D<byte, Stride1D.Dense> buffer)
        where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() != ElementBytes)
        {
            throw new InvalidOperationException($"These buffers hold {Element} elements, not {typeof(T).Name}.");
        }

        return buffer.View.BaseView.Cast<T>();
    }

    // The device copy in the element type; the host copy keeps the rounded values in fp32.
    private MemoryBuffer1D<byte, Stride1D.Dense> Upload(Accelerator accelerator, float[] values) =>
        accelerator.Allocate1D(Element switch
        {
            AttentionElement.Float16 => ToDevice<Half>(values),
            AttentionElement.BFloat16 => ToDevice<BFloat16>(values),
            _ => ToDevice<float>(values),
        });

    // Rounds values to T in place (so the reference sees what the device holds) and returns T's bytes.
    private static byte[] ToDevice<T>(float[] values)
        where T : unmanaged
    {
        var elements = new T[values.Length];
        ElementSpans.Narrow<T>(values, elements);
        ElementSpans.Widen<T>(elements, values);
        return MemoryMarshal.AsBytes(elements.AsSpan()).ToArray();
    }

    private static float[] FromDevice<T>(byte[] bytes)
        where T : unmanaged
    {
        var elements = MemoryMarshal.Cast<byte, T>(bytes);
        var values = new float[elements.Length];
        ElementSpans.Widen<T>(elements, values);
        return values;
    }

    private static float[] Fill(Random random, long length)
    {
        var values = new float[length];
        for (var index = 0; index < values.Length; index++)
        {
            values[index] = random.NextSingle() * 2 - 1;
        }

        return values;
    }
}
