using System;
using Xunit;

namespace KernelGen.Runtime.Tests.Elements;

/// <summary><see cref="BFloat16"/>'s conversions, one value at a time: exact widening, and rounding to nearest even against a reference in doubles.</summary>
public sealed class BFloat16Tests
{
    [Fact]
    public void WideningEveryBitPatternShiftsItIntoTheUpperHalf()
    {
        for (var raw = 0; raw <= ushort.MaxValue; raw++)
        {
            Assert.Equal((uint)raw << 16, BitConverter.SingleToUInt32Bits((float)new BFloat16((ushort)raw)));
        }
    }

    [Theory]
    [InlineData(0x3F80_8000u, 0x3F80)] // halfway, even below: stays
    [InlineData(0x3F81_8000u, 0x3F82)] // halfway, odd below: up to even
    [InlineData(0x3F80_8001u, 0x3F81)] // above halfway
    [InlineData(0x3F80_7FFFu, 0x3F80)] // below halfway
    [InlineData(0xBF81_8000u, 0xBF82)] // negative ties round the magnitude
    [InlineData(0x7F7F_7FFFu, 0x7F7F)] // stays the largest finite
    [InlineData(0x7F7F_8000u, 0x7F80)] // halfway past the largest finite: infinity
    [InlineData(0x7F7F_FFFFu, 0x7F80)] // float.MaxValue: infinity
    [InlineData(0xFF7F_FFFFu, 0xFF80)] // float.MinValue: minus infinity
    [InlineData(0x7F80_0000u, 0x7F80)] // infinity stays
    [InlineData(0xFF80_0000u, 0xFF80)]
    [InlineData(0x8000_0000u, 0x8000)] // minus zero keeps its sign
    [InlineData(0x0000_8000u, 0x0000)] // smallest subnormals: a tie to zero
    [InlineData(0x0001_8000u, 0x0002)] // a subnormal tie, odd below
    [InlineData(0x0000_8001u, 0x0001)]
    public void NarrowingRoundsToNearestEven(uint bits, int expected) =>
        Assert.Equal((ushort)expected, ((BFloat16)BitConverter.UInt32BitsToSingle(bits)).RawValue);

    [Theory]
    [InlineData(0x7F80_0001u)] // a signalling NaN whose payload lies below the kept bits: truncation would make infinity
    [InlineData(0xFF80_0001u)]
    [InlineData(0x7FC0_0000u)]
    [InlineData(0x7FFF_FFFFu)] // rounding up would carry into the sign
    [InlineData(0xFFFF_FFFFu)]
    public void NaNStaysNaNOfTheSameSign(uint bits)
    {
        var narrowed = (BFloat16)BitConverter.UInt32BitsToSingle(bits);
        Assert.True(float.IsNaN((float)narrowed), $"0x{bits:X8} became 0x{narrowed.RawValue:X4}");
        Assert.Equal(bits >> 31, (uint)narrowed.RawValue >> 15);
    }

    [Fact]
    public void NarrowingMatchesTheNearestOfItsTwoNeighbours()
    {
        var random = new Random(12);
        for (var sample = 0; sample < 1_000_000; sample++)
        {
            var value = BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32));
            if (float.IsNaN(value))
            {
                continue;
            }

            Assert.Equal(Nearest(value), ((BFloat16)value).RawValue);
        }
    }

    // The bf16 nearest to value, ties to the even one, from its two neighbours in doubles; past the largest finite
    // bf16 (exponent all ones after rounding) it is infinity, as the next neighbour's bits say.
    private static ushort Nearest(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        var below = (ushort)(bits >> 16);
        if ((bits & 0xFFFF) == 0)
        {
            return below; // exact, infinities included
        }

        var above = (ushort)(below + 1);
        var distanceBelow = Math.Abs((double)value - (float)new BFloat16(below));
        var distanceAbove = Math.Abs((double)value - BoundaryValue(above));
        return distanceBelow < distanceAbove || (distanceBelow == distanceAbove && (below & 1) == 0) ? below : above;
    }

    // An infinity's neighbour counts as 2^128 (in magnitude), where the next exponent would start.
    private static double BoundaryValue(ushort raw) =>
        (raw & 0x7FFF) == 0x7F80 ? Math.CopySign(Math.Pow(2, 128), (raw & 0x8000) != 0 ? -1 : 1) : (float)new BFloat16(raw);
}
