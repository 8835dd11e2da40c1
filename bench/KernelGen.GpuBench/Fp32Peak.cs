using ILGPU.Runtime.Cuda;

namespace KernelGen.GpuBench;

/// <summary>
/// The GPU's FP32 CUDA-core peak: multiprocessors x FP32 lanes per multiprocessor x 2 FLOP (one FMA) x SM clock.
/// Tensor cores are not counted: the generated kernels run on CUDA cores.
/// </summary>
/// <param name="TeraFlops">The peak, or null when the lane count or the clock is unknown.</param>
/// <param name="Description">How the peak was computed, or why there is none.</param>
internal sealed record Fp32Peak(double? TeraFlops, string Description)
{
    /// <summary>
    /// The peak from what ILGPU reports: <see cref="CudaAccelerator.ClockRate"/> is CUDA's
    /// <c>CU_DEVICE_ATTRIBUTE_CLOCK_RATE</c> in MHz, the maximum SM clock. <paramref name="fallbackClockMhz"/> (from
    /// nvidia-smi) is used only when ILGPU reports no clock.
    /// </summary>
    public static Fp32Peak For(CudaAccelerator gpu, int? fallbackClockMhz)
    {
        var architecture = $"sm_{gpu.Architecture.Major}{gpu.Architecture.Minor}";
        var (clockMhz, clockSource) = gpu.ClockRate > 0
            ? (gpu.ClockRate, "ILGPU CudaAccelerator.ClockRate = CU_DEVICE_ATTRIBUTE_CLOCK_RATE, the maximum SM clock")
            : fallbackClockMhz is int fallback
                ? (fallback, "--sm-clock-mhz, as ILGPU reports no clock")
                : (0, "");
        if (Fp32LanesPerMultiprocessor(gpu.Architecture.Major, gpu.Architecture.Minor) is not int lanes)
        {
            return new(null, $"no FP32 peak: FP32 lanes per SM unknown for {architecture}");
        }

        if (clockMhz <= 0)
        {
            return new(null, "no FP32 peak: ILGPU reports no SM clock and no --sm-clock-mhz was given");
        }

        var teraFlops = (double)gpu.NumMultiprocessors * lanes * 2 * clockMhz * 1e6 / 1e12;
        return new(teraFlops,
            $"FP32 CUDA-core peak {teraFlops:F1} TFLOP/s = {gpu.NumMultiprocessors} SMs x {lanes} FP32 lanes ({architecture}) x 2 FLOP x {clockMhz} MHz ({clockSource})");
    }

    /// <summary>The percentage of the peak that <paramref name="teraFlops"/> reaches, or null when there is no peak.</summary>
    public double? PercentOf(double teraFlops) => TeraFlops is double peak ? 100 * teraFlops / peak : null;

    // FP32 lanes per SM by compute capability (NVIDIA's architecture whitepapers): Volta, Turing and GA100 have 64;
    // GA10x, Ada, Hopper and Blackwell have 128.
    private static int? Fp32LanesPerMultiprocessor(int major, int minor) => (major, minor) switch
    {
        (7, _) or (8, 0) => 64,
        (8, _) or (9, 0) or (10, _) or (12, _) => 128,
        _ => null,
    };
}
