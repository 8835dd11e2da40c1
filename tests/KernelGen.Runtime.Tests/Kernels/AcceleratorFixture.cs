using System;
using ILGPU;
using ILGPU.Runtime;
using Xunit;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>One CPU simulator for all kernel tests: it is costly to create and runs one group at a time anyway.</summary>
public sealed class AcceleratorFixture : IDisposable
{
    public AcceleratorFixture()
    {
        Context = KernelGenAccelerators.CreateContext();
        Accelerator = KernelGenAccelerators.CreateCpu(Context);
    }

    public Context Context { get; }

    public Accelerator Accelerator { get; }

    public void Dispose()
    {
        Accelerator.Dispose();
        Context.Dispose();
    }
}

/// <summary>
/// Kernel tests run one class at a time: each simulated group already uses one OS thread per GPU thread, and
/// parallel classes would oversubscribe two cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class KernelCollection : ICollectionFixture<AcceleratorFixture>
{
    public const string Name = "Kernels";
}
