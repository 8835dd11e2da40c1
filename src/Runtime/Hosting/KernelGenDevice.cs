using System;
using System.Numerics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace KernelGen;

/// <summary>
/// Where a spec's host-memory <c>Forward(device, ...)</c> runs: the ILGPU kernel on an accelerator (a CUDA GPU), or
/// the CPU kernel. <see cref="CreateDefault"/> picks CUDA when there is one and the CPU kernel otherwise (never
/// ILGPU's CPU simulator, which is a correctness tool); <see cref="ToString"/> says which, for logs.
/// </summary>
public sealed class KernelGenDevice : IDisposable
{
    private readonly Context? _ownedContext;
    private readonly bool _ownsAccelerator;
    private bool _disposed;

    private readonly Accelerator? _accelerator;

    private KernelGenDevice(Accelerator? accelerator, bool ownsAccelerator, Context? ownedContext, CpuAttentionOptions cpuOptions)
    {
        _accelerator = accelerator;
        _ownsAccelerator = ownsAccelerator;
        _ownedContext = ownedContext;
        CpuOptions = cpuOptions;
    }

    /// <summary>The accelerator the ILGPU kernel runs on, or <see langword="null"/> when calls run the CPU kernel.</summary>
    /// <exception cref="ObjectDisposedException">This device was disposed.</exception>
    public Accelerator? Accelerator
    {
        get
        {
            // Refused for the CPU kernel too, which needs nothing disposable: code that runs after Dispose on a
            // machine without CUDA would otherwise fail only on the first machine with it.
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(KernelGenDevice),
                    $"This KernelGenDevice ({this}) was disposed. Dispose it after its last Forward call, or create a new one "
                    + "(KernelGenDevice.CreateDefault()).");
            }

            return _accelerator;
        }
    }

    /// <summary>The CPU kernel's thread settings (used when <see cref="Accelerator"/> is <see langword="null"/>).</summary>
    public CpuAttentionOptions CpuOptions { get; }

    /// <summary>The first CUDA GPU when there is one, otherwise the CPU kernel.</summary>
    /// <param name="cpuOptions">Thread settings for the CPU kernel; <see langword="null"/> for all cores.</param>
    public static KernelGenDevice CreateDefault(CpuAttentionOptions? cpuOptions = null)
    {
        var context = KernelGenAccelerators.CreateContext();
        if (context.GetCudaDevices().Count == 0)
        {
            context.Dispose();
            return Cpu(cpuOptions);
        }

        return new KernelGenDevice(KernelGenAccelerators.CreateDefault(context), ownsAccelerator: true, context, cpuOptions ?? CpuAttentionOptions.Default);
    }

    /// <summary>The CPU kernel.</summary>
    /// <param name="options">Thread settings; <see langword="null"/> for all cores.</param>
    public static KernelGenDevice Cpu(CpuAttentionOptions? options = null) =>
        new(null, ownsAccelerator: false, null, options ?? CpuAttentionOptions.Default);

    /// <summary>The ILGPU kernel on <paramref name="accelerator"/>, which the caller keeps and disposes.</summary>
    public static KernelGenDevice OnAccelerator(Accelerator accelerator)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        return new(accelerator, ownsAccelerator: false, null, CpuAttentionOptions.Default);
    }

    /// <summary>What runs the kernels, for example <c>CPU kernel: 2 threads, 256-bit SIMD with FMA</c>.</summary>
    public override string ToString()
    {
        if (_accelerator is { } accelerator)
        {
            return $"ILGPU kernel on {accelerator.Name} ({accelerator.AcceleratorType})";
        }

        var fma = Fma.IsSupported || AdvSimd.IsSupported ? " with FMA" : string.Empty;
        var simd = Vector.IsHardwareAccelerated ? $"{Vector<float>.Count * 32}-bit SIMD{fma}" : "no SIMD";
        return $"CPU kernel: {CpuOptions.ThreadCount} thread(s), {simd}";
    }

    /// <summary>Releases the accelerator and context this device created (none for <see cref="Cpu"/> or <see cref="OnAccelerator"/>).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownsAccelerator)
        {
            _accelerator?.Dispose();
        }

        _ownedContext?.Dispose();
    }
}
