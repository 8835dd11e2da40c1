using System;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime.Cuda;

namespace KernelGen;

/// <summary>
/// The generated kernels call <see cref="XMath"/>, which CUDA can only compile when the context was built with
/// <c>EnableAlgorithms()</c>; the CPU accelerator runs them regardless. So a context without it works in every
/// CPU test and fails on the first GPU. This check compiles a one-line probe through ILGPU's PTX backend
/// (no GPU needed) once per context, and fails early everywhere with the fix in the message.
/// </summary>
public static class AlgorithmsCheck
{
    private static readonly ConditionalWeakTable<Context, object> Checked = new();

    /// <summary>Throws <see cref="InvalidOperationException"/> when <paramref name="context"/> cannot compile KernelGen kernels for CUDA.</summary>
    public static void EnsureEnabled(Context context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Checked.TryGetValue(context, out _))
        {
            return;
        }

        try
        {
            using var backend = new PTXBackend(context, CudaArchitecture.SM_80, CudaInstructionSet.ISA_80, null!);
            var probe = typeof(AlgorithmsCheck).GetMethod(nameof(Probe), BindingFlags.NonPublic | BindingFlags.Static)!;
            backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(probe), default);
        }
        catch (Exception exception) when (IsMissingIntrinsic(exception))
        {
            throw new InvalidOperationException(
                "The ILGPU context was created without ILGPU.Algorithms, so KernelGen's kernels (which use XMath.Exp) "
                + "would fail to compile for CUDA. Create the context with Context.Create(builder => builder.Default().EnableAlgorithms()), "
                + "or with KernelGenAccelerators.CreateContext().",
                exception);
        }

        Checked.AddOrUpdate(context, Checked);
    }

    private static bool IsMissingIntrinsic(Exception? exception)
    {
        // ILGPU wraps the NotSupportedIntrinsicException in compiler and aggregate exceptions.
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is NotSupportedIntrinsicException
                || (exception is AggregateException aggregate && aggregate.InnerExceptions.Any(IsMissingIntrinsic)))
            {
                return true;
            }
        }

        return false;
    }

    private static void Probe(ArrayView<float> data) => data[0] = XMath.Exp(data[0]);
}
