using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KernelGen;

/// <summary>
/// Host conversions between an element type and fp32, a span at a time with SIMD: fp16 through
/// <see cref="TensorPrimitives"/> (F16C instructions where the CPU has them), bf16 as a 16-bit shift and a
/// round-to-nearest-even. The element type is <see cref="float"/>, <see cref="System.Half"/>,
/// <c>ILGPU.Half</c> (the same bits) or <see cref="BFloat16"/>; the type tests fold away when the JIT specialises a caller.
/// </summary>
public static class ElementSpans
{
    /// <summary>Whether <typeparamref name="TElement"/> is an element type kernels take.</summary>
    public static bool IsSupported<TElement>()
        where TElement : unmanaged =>
        typeof(TElement) == typeof(float) || typeof(TElement) == typeof(Half) || typeof(TElement) == typeof(ILGPU.Half) || typeof(TElement) == typeof(BFloat16);

    /// <summary>Widens <paramref name="source"/> into the first <c>source.Length</c> floats of <paramref name="destination"/>; exact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Widen<TElement>(ReadOnlySpan<TElement> source, Span<float> destination)
        where TElement : unmanaged
    {
        RequireRoom(source.Length, destination.Length);
        if (typeof(TElement) == typeof(float))
        {
            MemoryMarshal.Cast<TElement, float>(source).CopyTo(destination);
        }
        else if (typeof(TElement) == typeof(Half) || typeof(TElement) == typeof(ILGPU.Half))
        {
            TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<TElement, Half>(source), destination);
        }
        else if (typeof(TElement) == typeof(BFloat16))
        {
            WidenBFloat16(MemoryMarshal.Cast<TElement, ushort>(source), MemoryMarshal.Cast<float, uint>(destination));
        }
        else
        {
            throw Unsupported<TElement>();
        }
    }

    /// <summary>Rounds <paramref name="source"/> into the first <c>source.Length</c> elements of <paramref name="destination"/>, to nearest even.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Narrow<TElement>(ReadOnlySpan<float> source, Span<TElement> destination)
        where TElement : unmanaged
    {
        RequireRoom(source.Length, destination.Length);
        if (typeof(TElement) == typeof(float))
        {
            source.CopyTo(MemoryMarshal.Cast<TElement, float>(destination));
        }
        else if (typeof(TElement) == typeof(Half) || typeof(TElement) == typeof(ILGPU.Half))
        {
            TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<TElement, Half>(destination));
        }
        else if (typeof(TElement) == typeof(BFloat16))
        {
            NarrowBFloat16(MemoryMarshal.Cast<float, uint>(source), MemoryMarshal.Cast<TElement, ushort>(destination));
        }
        else
        {
            throw Unsupported<TElement>();
        }
    }

    /// <summary>Widens one element; exact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Widen<TElement>(TElement value)
        where TElement : unmanaged
    {
        if (typeof(TElement) == typeof(float))
        {
            return Unsafe.As<TElement, float>(ref value);
        }

        if (typeof(TElement) == typeof(Half) || typeof(TElement) == typeof(ILGPU.Half))
        {
            return (float)Unsafe.As<TElement, Half>(ref value);
        }

        if (typeof(TElement) == typeof(BFloat16))
        {
            return (float)Unsafe.As<TElement, BFloat16>(ref value);
        }

        throw Unsupported<TElement>();
    }

    /// <summary>Rounds one fp32 to nearest even.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TElement Narrow<TElement>(float value)
        where TElement : unmanaged
    {
        if (typeof(TElement) == typeof(float))
        {
            return Unsafe.As<float, TElement>(ref value);
        }

        if (typeof(TElement) == typeof(Half) || typeof(TElement) == typeof(ILGPU.Half))
        {
            var half = (Half)value;
            return Unsafe.As<Half, TElement>(ref half);
        }

        if (typeof(TElement) == typeof(BFloat16))
        {
            var bfloat = (BFloat16)value;
            return Unsafe.As<BFloat16, TElement>(ref bfloat);
        }

        throw Unsupported<TElement>();
    }

    // Checked before anything is written: a short destination must not be left half converted.
    private static void RequireRoom(int source, int destination)
    {
        if (destination < source)
        {
            throw new ArgumentException($"The destination holds {destination} elements but the source has {source}.", nameof(destination));
        }
    }

    private static NotSupportedException Unsupported<TElement>() =>
        new($"{typeof(TElement)} is not an element type KernelGen kernels take: use float, System.Half or KernelGen.BFloat16.");

    // Loads and stores through refs: the CPU kernel widens many short strided rows, where slicing spans for each vector
    // (and Vector.Widen's out parameters) cost as much as the conversion.
    private static void WidenBFloat16(ReadOnlySpan<ushort> source, Span<uint> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"destination has {destination.Length} elements, fewer than source's {source.Length}.", nameof(destination));
        }

        ref ushort from = ref MemoryMarshal.GetReference(source);
        ref uint to = ref MemoryMarshal.GetReference(destination);
        nuint length = (nuint)source.Length;
        nuint index = 0;
        for (; index + (nuint)Vector<ushort>.Count <= length; index += (nuint)Vector<ushort>.Count)
        {
            var bits = Vector.LoadUnsafe(ref from, index);
            Vector.StoreUnsafe(Vector.ShiftLeft(Vector.WidenLower(bits), 16), ref to, index);
            Vector.StoreUnsafe(Vector.ShiftLeft(Vector.WidenUpper(bits), 16), ref to, index + (nuint)Vector<uint>.Count);
        }

        for (; index < length; index++)
        {
            Unsafe.Add(ref to, index) = (uint)Unsafe.Add(ref from, index) << 16;
        }
    }

    // BFloat16's rule, a vector at a time: ties to even, and a NaN keeps a quiet bit so that it cannot become infinity.
    private static void NarrowBFloat16(ReadOnlySpan<uint> source, Span<ushort> destination)
    {
        int index = 0;
        for (; index + Vector<ushort>.Count <= source.Length; index += Vector<ushort>.Count)
        {
            var low = Round(new Vector<uint>(source.Slice(index)));
            var high = Round(new Vector<uint>(source.Slice(index + Vector<uint>.Count)));
            Vector.Narrow(low, high).CopyTo(destination.Slice(index));
        }

        for (; index < source.Length; index++)
        {
            destination[index] = ((BFloat16)BitConverter.UInt32BitsToSingle(source[index])).RawValue;
        }

        static Vector<uint> Round(Vector<uint> bits)
        {
            var upper = Vector.ShiftRightLogical(bits, 16);
            var rounded = Vector.ShiftRightLogical(bits + new Vector<uint>(0x7FFFu) + (upper & Vector<uint>.One), 16);
            var nan = Vector.GreaterThan(bits & new Vector<uint>(0x7FFF_FFFFu), new Vector<uint>(0x7F80_0000u));
            return Vector.ConditionalSelect(nan, upper | new Vector<uint>(0x0040u), rounded);
        }
    }
}
