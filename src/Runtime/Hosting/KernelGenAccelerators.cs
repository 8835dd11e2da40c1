using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace KernelGen;

/// <summary>Creates the ILGPU context and accelerator that KernelGen's kernels run on.</summary>
public static class KernelGenAccelerators
{
    /// <summary>
    /// A CPU device shaped like a CUDA GPU (warps of 32, up to 1024 threads per group), so the generated
    /// kernels run unchanged on the CPU simulator. ILGPU's default CPU device allows only 16 threads per group.
    /// </summary>
    public static CPUDevice CudaLikeCpuDevice { get; } = new(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 32, numMultiprocessors: 1);

    /// <summary>A context with CUDA (when present), the CUDA-like CPU device, and ILGPU.Algorithms enabled.</summary>
    public static Context CreateContext() =>
        Context.Create(builder => builder.Cuda().CPU(CudaLikeCpuDevice).EnableAlgorithms());

    /// <summary>The first CUDA GPU when there is one, otherwise the CPU simulator.</summary>
    public static Accelerator CreateDefault(Context context) =>
        context.GetCudaDevices().Count > 0
            ? context.CreateCudaAccelerator(0)
            : CreateCpu(context);

    /// <summary>The CPU simulator: a correctness tool, far slower than any GPU.</summary>
    public static Accelerator CreateCpu(Context context) =>
        CudaLikeCpuDevice.CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel);
}
