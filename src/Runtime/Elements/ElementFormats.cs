using System.Runtime.CompilerServices;
using ILGPU;

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

/// <summary>
/// IEEE fp16 elements as ILGPU kernels hold them, <c>ILGPU.Half</c> (kernels cannot use <see cref="System.Half"/>).
/// Narrowing is written out in integer arithmetic rather than ILGPU's <c>(Half)x</c>: that compiles to CUDA's
/// <c>cvt.rn.f16.f32</c> (nearest even) but truncates on ILGPU's CPU accelerator (1.5.3: half of a million random
/// values came out one ulp low), and the simulator must compute what the GPU does.
/// </summary>
public readonly struct Float16Format : IElementFormat<ILGPU.Half>
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Widen(ILGPU.Half value) => value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ILGPU.Half Narrow(float value) => Interop.IntAsFloat(RoundToHalfBits(value));

    /// <summary>The fp16 bits nearest <paramref name="value"/>, ties to even; overflow gives infinity, a NaN stays a quiet NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort RoundToHalfBits(float value)
    {
        uint bits = Interop.FloatAsInt(value);
        uint sign = (bits >> 16) & 0x8000u;
        uint magnitude = bits & 0x7FFF_FFFFu;
        uint half;
        if (magnitude > 0x7F80_0000u)
        {
            half = 0x7E00u | ((magnitude >> 13) & 0x01FFu);
        }
        else if (magnitude >= 0x4780_0000u)
        {
            // 65536 and above (infinity included); 65520 up to 65536 rounds up to infinity below.
            half = 0x7C00u;
        }
        else if (magnitude >= 0x3880_0000u)
        {
            // A normal fp16 (2^-14 and above): rebias the exponent (127 to 15), then round off 13 mantissa bits; a carry out
            // of the mantissa correctly bumps the exponent.
            uint rebiased = magnitude - 0x3800_0000u;
            half = (rebiased + 0x0FFFu + ((rebiased >> 13) & 1u)) >> 13;
        }
        else if (magnitude >= 0x3300_0000u)
        {
            // A subnormal fp16, m * 2^-24: the 24-bit mantissa shifted right by 126 - exponent (14 to 24), rounded.
            int shift = 126 - (int)(magnitude >> 23);
            uint mantissa = (magnitude & 0x007F_FFFFu) | 0x0080_0000u;
            uint remainder = mantissa & ((1u << shift) - 1u);
            uint halfway = 1u << (shift - 1);
            half = mantissa >> shift;
            if (remainder > halfway || (remainder == halfway && (half & 1u) != 0))
            {
                half++;
            }
        }
        else
        {
            // Below 2^-25, half the smallest subnormal: zero (of the same sign).
            half = 0;
        }

        return (ushort)(sign | half);
    }
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
