using System;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace KernelGen;

/// <summary>
/// Refuses an accelerator or buffer that a launch cannot use, before ILGPU does: ILGPU reports a disposed context as
/// a disposed <c>ReaderWriterLockSlim</c> of its own, and the CPU accelerator runs a kernel on another accelerator's
/// buffers without complaint (they are host memory there), so the mistake would only surface on a GPU.
/// </summary>
internal static class AcceleratorGuard
{
    /// <summary>Throws <see cref="ObjectDisposedException"/> when <paramref name="accelerator"/> or its context was disposed.</summary>
    public static void ThrowIfDisposed(Accelerator accelerator)
    {
        if (accelerator.IsDisposed)
        {
            throw new ObjectDisposedException(accelerator.GetType().FullName,
                $"The ILGPU accelerator {Describe(accelerator)} was disposed, and every buffer allocated on it with it. "
                + "Dispose it only after its last Forward call, or create a new one (KernelGenAccelerators.CreateDefault(context)) "
                + "and allocate the buffers on that.");
        }

        if (accelerator.Context.IsDisposed)
        {
            throw new ObjectDisposedException(typeof(Context).FullName,
                $"The ILGPU context of accelerator {Describe(accelerator)} was disposed, and ILGPU cannot compile or launch "
                + "without it. Keep the context alive until the accelerator is disposed (dispose the accelerator first), or "
                + "create a new context (KernelGenAccelerators.CreateContext()) and a new accelerator on it.");
        }
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when <paramref name="view"/> holds memory of another accelerator than
    /// <paramref name="accelerator"/>. An absent optional buffer (a default view) belongs to none and passes.
    /// </summary>
    public static void ThrowIfElsewhere<T>(ArrayView<T> view, string name, Accelerator accelerator)
        where T : unmanaged
    {
        if (!view.IsValid)
        {
            return;
        }

        var owner = view.GetAccelerator();
        if (!ReferenceEquals(owner, accelerator))
        {
            var sameDevice = Describe(owner) == Describe(accelerator)
                ? $" (another accelerator object for the same device{(owner.Context == accelerator.Context ? string.Empty : ", in another context")})"
                : string.Empty;
            throw new ArgumentException(
                $"{name} is memory of the ILGPU accelerator {Describe(owner)}, but the kernel runs on {Describe(accelerator)}{sameDevice}. "
                + $"A kernel can only read its own accelerator's memory: allocate {name} on the accelerator you pass to Forward "
                + "(accelerator.Allocate1D), or pass the accelerator that owns it.",
                name);
        }
    }

    private static string Describe(Accelerator accelerator) =>
        accelerator is CudaAccelerator cuda
            ? $"'{accelerator.Name}' (CUDA device {cuda.DeviceId})"
            : $"'{accelerator.Name}' ({accelerator.AcceleratorType})";
}
