using System;
using Xunit;

namespace KernelGen.Runtime.Tests.Elements;

/// <summary>
/// The ILGPU kernels' fp16 rounding (<see cref="Float16Format.RoundToHalfBits"/>, integer arithmetic so that the CPU
/// simulator and CUDA agree) against .NET's <see cref="Half"/> conversion, which rounds to nearest even.
/// </summary>
public sealed class Float16FormatTests
{
    [Fact]
    public void RoundsEveryTieAndItsNeighboursAsSystemHalfDoes()
    {
        // Between each pair of neighbouring finite fp16 values: the exact midpoint (a tie) and the fp32 values just below
        // and above it, plus both ends. Every rounding boundary of fp16 is one of these midpoints.
        for (int bits = 0; bits < 0x7C00; bits++)
        {
            foreach (var sign in new[] { 1f, -1f })
            {
                float low = sign * (float)BitConverter.UInt16BitsToHalf((ushort)bits);
                float high = sign * (float)BitConverter.UInt16BitsToHalf((ushort)(bits + 1));
                float midpoint = (float)(((double)low + high) / 2);
                foreach (var value in new[] { low, midpoint, MathF.BitDecrement(midpoint), MathF.BitIncrement(midpoint), high })
                {
                    AssertSameBits(value);
                }
            }
        }
    }

    [Fact]
    public void RoundsSixteenMillionFp32BitPatternsAsSystemHalfDoes()
    {
        // Every 256th fp32 bit pattern plus an odd offset: all exponents, signs, NaN payloads and infinities.
        for (uint pattern = 0; pattern < (1u << 24); pattern++)
        {
            AssertSameBits(BitConverter.UInt32BitsToSingle((pattern << 8) | (pattern & 0xFF)));
        }
    }

    [Fact]
    public void WidensExactly()
    {
        var format = default(Float16Format);
        for (int bits = 0; bits <= ushort.MaxValue; bits++)
        {
            float expected = (float)BitConverter.UInt16BitsToHalf((ushort)bits);
            float widened = format.Widen(ILGPU.Interop.IntAsFloat((ushort)bits));
            Assert.True(expected.Equals(widened), $"0x{bits:X4}: {widened} instead of {expected}");
        }
    }

    private static void AssertSameBits(float value)
    {
        ushort actual = Float16Format.RoundToHalfBits(value);
        if (float.IsNaN(value))
        {
            Assert.True(Half.IsNaN(BitConverter.UInt16BitsToHalf(actual)), $"NaN 0x{BitConverter.SingleToUInt32Bits(value):X8} became 0x{actual:X4}");
            return;
        }

        ushort expected = BitConverter.HalfToUInt16Bits((Half)value);
        Assert.True(expected == actual, $"{value:R} (0x{BitConverter.SingleToUInt32Bits(value):X8}): 0x{actual:X4} instead of 0x{expected:X4}");
    }
}
