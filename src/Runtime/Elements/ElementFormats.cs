using System.Runtime.CompilerServices;

namespace KernelGen;

/// <summary>fp32 elements: nothing to convert.</summary>
public readonly struct Float32Format : IElementFormat<float>
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Widen(float value) => value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Narrow(float value) => value;
}

/// <summary>IEEE fp16 elements as ILGPU kernels hold them, <c>ILGPU.Half</c> (kernels cannot use <see cref="System.Half"/>).</summary>
public readonly struct Float16Format : IElementFormat<ILGPU.Half>
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Widen(ILGPU.Half value) => value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ILGPU.Half Narrow(float value) => (ILGPU.Half)value;
}

/// <summary>bfloat16 elements (<see cref="BFloat16"/>): widening is a 16-bit shift, narrowing rounds to nearest even.</summary>
public readonly struct BFloat16Format : IElementFormat<BFloat16>
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Widen(BFloat16 value) => (float)value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public BFloat16 Narrow(float value) => (BFloat16)value;
}
