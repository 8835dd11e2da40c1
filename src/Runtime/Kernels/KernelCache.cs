using System;
using System.Runtime.CompilerServices;
using ILGPU.Runtime;

namespace KernelGen;

/// <summary>
/// Compiles a kernel once per accelerator, safely under concurrent callers, without keeping an accelerator
/// alive: entries live exactly as long as their accelerator does.
/// </summary>
/// <typeparam name="TKernel">The launcher delegate ILGPU returns for the kernel.</typeparam>
public sealed class KernelCache<TKernel>
    where TKernel : Delegate
{
    private readonly ConditionalWeakTable<Accelerator, Lazy<TKernel>> _kernels = new();
    private readonly Func<Accelerator, TKernel> _load;

    /// <summary>Creates a cache that compiles with <paramref name="load"/>, typically <c>accelerator.LoadStreamKernel(...)</c>.</summary>
    public KernelCache(Func<Accelerator, TKernel> load) => _load = load;

    /// <summary>The kernel compiled for <paramref name="accelerator"/>, compiling it on first use.</summary>
    public TKernel Get(Accelerator accelerator)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        AcceleratorGuard.ThrowIfDisposed(accelerator);

        // Lazy's default mode runs the compiler once even when several threads ask at the same time; the
        // context check belongs to that one compile, not to every launch.
        return _kernels.GetValue(accelerator, key => new Lazy<TKernel>(() =>
        {
            AlgorithmsCheck.EnsureEnabled(key.Context);
            return _load(key);
        })).Value;
    }
}
