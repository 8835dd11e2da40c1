using System;
using System.Runtime.CompilerServices;

namespace KernelGen;

/// <summary>
/// A bfloat16 value: the sign, the 8 exponent bits and the top 7 mantissa bits of an fp32, stored as the upper 16
/// bits of that fp32. Laid out as one <see cref="ushort"/>, so a PyTorch <c>torch.bfloat16</c> or ONNX
/// <c>BFLOAT16</c> buffer reinterprets to a span of it without conversion (<c>MemoryMarshal.Cast&lt;ushort, BFloat16&gt;</c>).
/// The conversions compile in ILGPU kernels as well as on the host. Equality compares the stored bits, as for a
/// storage type: a NaN equals the same NaN, and +0 differs from -0; widen to <see cref="float"/> to compare values.
/// </summary>
/// <param name="RawValue">The 16 bits, as stored.</param>
public readonly record struct BFloat16(ushort RawValue)
{
    /// <summary>Widens to fp32, exactly: the 16 bits become the upper half of the fp32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static explicit operator float(BFloat16 value) => ILGPU.Interop.IntAsFloat((uint)value.RawValue << 16);

    /// <summary>
    /// Rounds an fp32 to the nearest bfloat16, ties to even (as PyTorch and ONNX round). Values beyond the largest
    /// bfloat16 become infinity; a NaN stays a (quiet) NaN of the same sign.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static explicit operator BFloat16(float value)
    {
        uint bits = ILGPU.Interop.FloatAsInt(value);
        if ((bits & 0x7FFF_FFFFu) > 0x7F80_0000u)
        {
            // Truncating could clear every mantissa bit and turn a NaN into an infinity: keep it quiet and NaN.
            return new BFloat16((ushort)((bits >> 16) | 0x0040u));
        }

        uint roundingBias = 0x7FFFu + ((bits >> 16) & 1u);
        return new BFloat16((ushort)((bits + roundingBias) >> 16));
    }

    /// <summary>The value as fp32, in invariant culture.</summary>
    public override string ToString() => ((float)this).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
