using System;
using System.Collections.Generic;
using ILGPU;
using ILGPU.Runtime;
using Xunit;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>
/// Accelerators and buffers a launch cannot use are refused before launch, with what to do: buffers of another
/// accelerator (which ILGPU's CPU accelerator would read without complaint), and a disposed accelerator, context or
/// device (which ILGPU reports as its own disposed lock).
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class AcceleratorMisuseTests
{
    private static readonly AttentionShape Shape = new(1, 4, 6, 2, 1);

    private readonly AcceleratorFixture _fixture;

    public AcceleratorMisuseTests(AcceleratorFixture fixture) => _fixture = fixture;

    [Theory]
    [InlineData("q")]
    [InlineData("k")]
    [InlineData("v")]
    [InlineData("sinkLogits")]
    [InlineData("output")]
    [InlineData("logSumExp")]
    public void ABufferOfAnotherAcceleratorIsRefusedByName(string name)
    {
        using var other = KernelGenAccelerators.CreateCpu(_fixture.Context);
        using var own = new Buffers(_fixture.Accelerator);
        using var foreign = new Buffers(other);
        ArrayView<float> View(string buffer) => (buffer == name ? foreign : own)[buffer];

        var error = Assert.Throws<ArgumentException>(() => SoftCapWithSinks.Forward(_fixture.Accelerator.DefaultStream,
            View("q"), View("k"), View("v"), View("sinkLogits"), View("output"), View("logSumExp"), Shape));
        Assert.Equal(name, error.ParamName);
        Assert.StartsWith(
            $"{name} is memory of the ILGPU accelerator 'CPUAccelerator' (CPU), but the kernel runs on 'CPUAccelerator' (CPU) "
            + "(another accelerator object for the same device). A kernel can only read its own accelerator's memory",
            error.Message);
    }

    [Fact]
    public void ABufferOfAnotherContextIsRefused()
    {
        using var context = KernelGenAccelerators.CreateContext();
        using var other = KernelGenAccelerators.CreateCpu(context);
        using var own = new Buffers(_fixture.Accelerator);
        using var foreign = new Buffers(other);

        var error = Assert.Throws<ArgumentException>(() => SoftCapWithSinks.ForwardWithRuntimeWindow(_fixture.Accelerator.DefaultStream,
            own["q"], foreign["k"], own["v"], own["sinkLogits"], own["output"], AttentionWindow.Unbounded, Shape));
        Assert.Equal("k", error.ParamName);
        Assert.Contains("(another accelerator object for the same device, in another context)", error.Message);
    }

    [Fact]
    public void ADisposedAcceleratorIsNamedWithTheFix()
    {
        using var context = KernelGenAccelerators.CreateContext();
        var accelerator = KernelGenAccelerators.CreateCpu(context);
        var buffers = new Buffers(accelerator);
        accelerator.Dispose();

        foreach (var call in Calls(accelerator, buffers))
        {
            var error = Assert.Throws<ObjectDisposedException>(call);
            Assert.Equal(typeof(ILGPU.Runtime.CPU.CPUAccelerator).FullName, error.ObjectName);
            Assert.StartsWith("The ILGPU accelerator 'CPUAccelerator' (CPU) was disposed, and every buffer allocated on it with it. "
                + "Dispose it only after its last Forward call, or create a new one (KernelGenAccelerators.CreateDefault(context))", error.Message);
        }
    }

    [Fact]
    public void ADisposedContextIsNamedWithTheFix()
    {
        var context = KernelGenAccelerators.CreateContext();
        using var accelerator = KernelGenAccelerators.CreateCpu(context);
        using var buffers = new Buffers(accelerator);
        context.Dispose();

        foreach (var call in Calls(accelerator, buffers))
        {
            var error = Assert.Throws<ObjectDisposedException>(call);
            Assert.Equal(typeof(Context).FullName, error.ObjectName);
            Assert.StartsWith("The ILGPU context of accelerator 'CPUAccelerator' (CPU) was disposed, and ILGPU cannot compile or launch without it. "
                + "Keep the context alive until the accelerator is disposed", error.Message);
        }
    }

    [Fact]
    public void ADisposedDeviceIsRefusedEvenWhenItRunsTheCpuKernel()
    {
        var device = KernelGenDevice.Cpu();
        device.Dispose();
        var q = new float[Shape.QueryElements(SoftCapWithSinks.HeadDim)];
        var kv = new float[Shape.KeyElements(SoftCapWithSinks.HeadDim)];

        var error = Assert.Throws<ObjectDisposedException>(() => SoftCapWithSinks.Forward(device, q, kv, kv, new float[Shape.Heads], new float[q.Length], Shape));
        Assert.Contains("KernelGenDevice (CPU kernel: ", error.Message);
        Assert.Contains(") was disposed. Dispose it after its last Forward call, or create a new one (KernelGenDevice.CreateDefault()).", error.Message);
    }

    // Every way a generated kernel reaches an accelerator: device views, host spans, and a KernelGenDevice around it.
    private static IEnumerable<Action> Calls(Accelerator accelerator, Buffers buffers)
    {
        var q = new float[Shape.QueryElements(SoftCapWithSinks.HeadDim)];
        var kv = new float[Shape.KeyElements(SoftCapWithSinks.HeadDim)];
        var sinks = new float[Shape.Heads];
        yield return () => SoftCapWithSinks.Forward(accelerator,
            buffers["q"], buffers["k"], buffers["v"], buffers["sinkLogits"], buffers["output"], Shape);
        yield return () => SoftCapWithSinks.Forward(accelerator, q, kv, kv, sinks, new float[q.Length], Shape);
        yield return () => SoftCapWithSinks.Forward(KernelGenDevice.OnAccelerator(accelerator), q, kv, kv, sinks, new float[q.Length], Shape);
    }

    /// <summary>Every buffer <see cref="SoftCapWithSinks"/> takes, by parameter name, on one accelerator.</summary>
    private sealed class Buffers : IDisposable
    {
        private readonly Dictionary<string, MemoryBuffer1D<float, Stride1D.Dense>> _buffers;

        public Buffers(Accelerator accelerator) => _buffers = new()
        {
            ["q"] = accelerator.Allocate1D<float>(Shape.QueryElements(SoftCapWithSinks.HeadDim)),
            ["k"] = accelerator.Allocate1D<float>(Shape.KeyElements(SoftCapWithSinks.HeadDim)),
            ["v"] = accelerator.Allocate1D<float>(Shape.KeyElements(SoftCapWithSinks.HeadDim)),
            ["sinkLogits"] = accelerator.Allocate1D<float>(Shape.Heads),
            ["output"] = accelerator.Allocate1D<float>(Shape.QueryElements(SoftCapWithSinks.HeadDim)),
            ["logSumExp"] = accelerator.Allocate1D<float>(Shape.LogSumExpElements),
        };

        public ArrayView<float> this[string name] => _buffers[name].View;

        public void Dispose()
        {
            foreach (var buffer in _buffers.Values)
            {
                buffer.Dispose();
            }
        }
    }
}
