using System;
using ILGPU;
using ILGPU.Runtime;

namespace KernelGen.GpuBench;

/// <summary>Random q, k and v on the host and on the device, and a device output buffer, for one shape and head size.</summary>
internal sealed class AttentionBuffers : IDisposable
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _query;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _key;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _value;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _output;

    /// <summary>Fills q, k and v with values uniform in [-1, 1) from <paramref name="seed"/> and uploads them.</summary>
    public AttentionBuffers(Accelerator accelerator, AttentionShape shape, int headDim, int seed)
    {
        var random = new Random(seed);
        HostQuery = Fill(random, shape.QueryElements(headDim));
        HostKey = Fill(random, shape.KeyElements(headDim));
        HostValue = Fill(random, shape.KeyElements(headDim));
        _query = accelerator.Allocate1D(HostQuery);
        _key = accelerator.Allocate1D(HostKey);
        _value = accelerator.Allocate1D(HostValue);
        _output = accelerator.Allocate1D<float>(shape.QueryElements(headDim));
    }

    public float[] HostQuery { get; }

    public float[] HostKey { get; }

    public float[] HostValue { get; }

    public ArrayView<float> Query => _query.View.BaseView;

    public ArrayView<float> Key => _key.View.BaseView;

    public ArrayView<float> Value => _value.View.BaseView;

    public ArrayView<float> Output => _output.View.BaseView;

    /// <summary>Copies the output to the host; call after the stream that wrote it is synchronised.</summary>
    public float[] DownloadOutput() => _output.GetAsArray1D();

    public void Dispose()
    {
        _query.Dispose();
        _key.Dispose();
        _value.Dispose();
        _output.Dispose();
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
