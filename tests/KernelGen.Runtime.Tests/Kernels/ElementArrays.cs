using System;
using System.Linq;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>
/// Test inputs for 16-bit kernels, held as fp32: values rounded to an element type and widened back (exactly), so that a
/// 16-bit spec, its fp32 twin and the fp64 reference all see the same numbers; and 16-bit entry points run on them.
/// </summary>
internal static class ElementArrays
{
    /// <summary>A 16-bit entry point on element arrays.</summary>
    public delegate void Forward<TElement>(TElement[] q, TElement[] k, TElement[] v, TElement[] output);

    /// <summary>Each value rounded to nearest even in <paramref name="element"/>, by the types' own casts, and widened back.</summary>
    public static float[] Rounded(float[] values, AttentionElement element) => element switch
    {
        AttentionElement.Float16 => values.Select(value => (float)(Half)value).ToArray(),
        AttentionElement.BFloat16 => values.Select(value => (float)(BFloat16)value).ToArray(),
        _ => values.ToArray(),
    };

    /// <summary>Values uniform in [-2, 2), rounded to <paramref name="element"/>.</summary>
    public static float[] RoundedFill(long length, AttentionElement element, Random random) =>
        Rounded(Enumerable.Range(0, (int)length).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray(), element);

    /// <summary>Seeded inputs of one call, rounded to <paramref name="element"/>.</summary>
    public static (float[] Q, float[] K, float[] V) RoundedInputs(AttentionShape shape, int headDim, AttentionElement element, int seed)
    {
        var random = new Random(seed);
        return (RoundedFill(shape.QueryElements(headDim), element, random),
            RoundedFill(shape.KeyElements(headDim), element, random),
            RoundedFill(shape.KeyElements(headDim), element, random));
    }

    /// <summary>
    /// Runs <paramref name="forward"/> on <paramref name="q"/>, <paramref name="k"/> and <paramref name="v"/> narrowed to
    /// <typeparamref name="TElement"/> (exact for rounded values; NaN and infinities stay what they are), and writes its
    /// output widened into <paramref name="output"/>.
    /// </summary>
    public static void Run<TElement>(float[] q, float[] k, float[] v, float[] output, Forward<TElement> forward)
        where TElement : unmanaged
    {
        var result = new TElement[output.Length];
        forward(Narrow<TElement>(q), Narrow<TElement>(k), Narrow<TElement>(v), result);
        Widen(result).CopyTo(output, 0);
    }

    /// <summary>The values in <typeparamref name="TElement"/>: exact for rounded values, NaN and infinities.</summary>
    public static TElement[] Narrow<TElement>(float[] values)
        where TElement : unmanaged
    {
        var narrowed = new TElement[values.Length];
        ElementSpans.Narrow<TElement>(values, narrowed);
        return narrowed;
    }

    /// <summary>The elements widened to fp32, exactly.</summary>
    public static float[] Widen<TElement>(TElement[] values)
        where TElement : unmanaged
    {
        var widened = new float[values.Length];
        ElementSpans.Widen<TElement>(values, widened);
        return widened;
    }

    /// <summary>The bits of each value, so that assertions tell -0 from 0 and compare NaN payloads.</summary>
    public static uint[] Bits(float[] values) => values.Select(BitConverter.SingleToUInt32Bits).ToArray();
}
