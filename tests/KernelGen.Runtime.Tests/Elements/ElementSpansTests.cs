using System;
using System.Linq;
using System.Runtime.InteropServices;
using Xunit;

namespace KernelGen.Runtime.Tests.Elements;

/// <summary>
/// <see cref="ElementSpans"/>' SIMD span conversions against its one-value conversions (and those against the types'
/// own casts), bit for bit, NaN payloads included, over every 16-bit pattern, random and special values, and lengths
/// that leave a tail after the vectors.
/// </summary>
public sealed class ElementSpansTests
{
    // Lengths around the vector widths (8 and 16 lanes of fp32 and 16-bit elements with AVX2), so every tail length runs.
    private static readonly int[] Lengths = [0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 100, 1001];

    [Fact]
    public void BFloat16SpanWideningShiftsEveryBitPattern()
    {
        var all = AllPatterns<BFloat16>();
        var widened = new float[all.Length];
        ElementSpans.Widen<BFloat16>(all, widened);
        for (var raw = 0; raw < all.Length; raw++)
        {
            Assert.Equal((uint)raw << 16, BitConverter.SingleToUInt32Bits(widened[raw]));
        }
    }

    [Fact]
    public void HalfSpanWideningEqualsTheCastForEveryBitPattern()
    {
        var all = AllPatterns<Half>();
        var widened = new float[all.Length];
        ElementSpans.Widen<Half>(all, widened);
        for (var raw = 0; raw < all.Length; raw++)
        {
            AssertSameFloat((float)all[raw], widened[raw], $"fp16 0x{raw:X4}");
        }
    }

    [Fact]
    public void HalfSpanNarrowingEqualsTheCast()
    {
        var values = RandomFloats(new Random(3), 1_000_003);
        var narrowed = new Half[values.Length];
        ElementSpans.Narrow<Half>(values, narrowed);
        for (var index = 0; index < values.Length; index++)
        {
            AssertSameHalf((Half)values[index], narrowed[index], values[index]);
        }
    }

    [Fact]
    public void VectorPathsEqualTheScalarOnesForEveryTailLength()
    {
        var random = new Random(4);
        foreach (var length in Lengths)
        {
            var values = RandomFloats(random, length);
            AssertVectorEqualsScalar<Half>(values);
            AssertVectorEqualsScalar<ILGPU.Half>(values);
            AssertVectorEqualsScalar<BFloat16>(values);
            AssertVectorEqualsScalar<float>(values);
        }
    }

    [Fact]
    public void SupportsTheKernelsElementTypesOnly()
    {
        Assert.True(ElementSpans.IsSupported<float>());
        Assert.True(ElementSpans.IsSupported<Half>());
        Assert.True(ElementSpans.IsSupported<ILGPU.Half>());
        Assert.True(ElementSpans.IsSupported<BFloat16>());
        Assert.False(ElementSpans.IsSupported<double>());
        Assert.False(ElementSpans.IsSupported<ushort>());
        Assert.Throws<NotSupportedException>(() => ElementSpans.Widen<ushort>(new ushort[1], new float[1]));
        Assert.Throws<NotSupportedException>(() => ElementSpans.Narrow<double>(1f));
    }

    [Fact]
    public void AShortDestinationIsRefusedBeforeAnythingIsWritten()
    {
        var values = Enumerable.Range(0, 40).Select(index => index + 0.5f).ToArray();
        var bfloats = new BFloat16[39];
        var widened = Enumerable.Repeat(-1f, 39).ToArray();
        Assert.Throws<ArgumentException>(() => ElementSpans.Narrow<BFloat16>(values, bfloats));
        Assert.All(bfloats, value => Assert.Equal(0, value.RawValue));
        Assert.Throws<ArgumentException>(() => ElementSpans.Widen<BFloat16>(new BFloat16[40], widened));
        Assert.All(widened, value => Assert.Equal(-1f, value));
        Assert.Throws<ArgumentException>(() => ElementSpans.Widen<Half>(new Half[40], widened));
        Assert.Throws<ArgumentException>(() => ElementSpans.Narrow<float>(values, widened));
    }

    // Narrowing a span equals narrowing each value, bit for bit; so does widening the narrowed span back.
    private static void AssertVectorEqualsScalar<TElement>(float[] values)
        where TElement : unmanaged
    {
        var narrowed = new TElement[values.Length];
        ElementSpans.Narrow<TElement>(values, narrowed);
        var widened = new float[values.Length];
        ElementSpans.Widen<TElement>(narrowed, widened);
        for (var index = 0; index < values.Length; index++)
        {
            var scalar = ElementSpans.Narrow<TElement>(values[index]);
            Assert.True(Bits(scalar) == Bits(narrowed[index]),
                $"{typeof(TElement).Name} of length {values.Length}: {values[index]} (0x{BitConverter.SingleToUInt32Bits(values[index]):X8}) narrows to 0x{Bits(narrowed[index]):X} in a span but 0x{Bits(scalar):X} alone");
            AssertSameFloat(ElementSpans.Widen(narrowed[index]), widened[index], $"{typeof(TElement).Name} of length {values.Length}, element {index}");
        }
    }

    // Uniform magnitudes across every exponent, both signs, then the values where conversions go wrong.
    private static float[] RandomFloats(Random random, int length)
    {
        float[] special =
        [
            0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, -float.NaN, BitConverter.UInt32BitsToSingle(0x7F80_0001),
            BitConverter.UInt32BitsToSingle(0xFFFF_FFFF), float.MaxValue, float.MinValue, float.Epsilon, -float.Epsilon,
            65504f, 65520f, -65520f, 65519.99f, (float)Half.Epsilon, (float)Half.Epsilon / 2, 1e-8f,
            BitConverter.UInt32BitsToSingle(0x3F80_8000), BitConverter.UInt32BitsToSingle(0x3F81_8000), BitConverter.UInt32BitsToSingle(0x7F7F_8000),
            1f + (1f / 2048), 1f + (3f / 2048),
        ];
        var values = new float[length];
        for (var index = 0; index < length; index++)
        {
            values[index] = random.Next(4) == 0
                ? special[random.Next(special.Length)]
                : BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32));
        }

        return values;
    }

    private static TElement[] AllPatterns<TElement>()
        where TElement : unmanaged =>
        MemoryMarshal.Cast<ushort, TElement>(Enumerable.Range(0, ushort.MaxValue + 1).Select(raw => (ushort)raw).ToArray()).ToArray();

    private static ulong Bits<TElement>(TElement value)
        where TElement : unmanaged =>
        System.Runtime.CompilerServices.Unsafe.SizeOf<TElement>() == 2
            ? System.Runtime.CompilerServices.Unsafe.As<TElement, ushort>(ref value)
            : System.Runtime.CompilerServices.Unsafe.As<TElement, uint>(ref value);

    // Bit for bit, NaN payloads included.
    private static void AssertSameFloat(float expected, float actual, string what) =>
        Assert.True(BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(actual),
            $"{what}: expected {expected} (0x{BitConverter.SingleToUInt32Bits(expected):X8}), got {actual} (0x{BitConverter.SingleToUInt32Bits(actual):X8})");

    private static void AssertSameHalf(Half expected, Half actual, float from) =>
        Assert.True(BitConverter.HalfToUInt16Bits(expected) == BitConverter.HalfToUInt16Bits(actual),
            $"{from} (0x{BitConverter.SingleToUInt32Bits(from):X8}): expected fp16 0x{BitConverter.HalfToUInt16Bits(expected):X4}, got 0x{BitConverter.HalfToUInt16Bits(actual):X4}");
}
