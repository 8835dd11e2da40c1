using System;

namespace KernelGen;

/// <summary>
/// The inputs every generated kernel takes, checked the same way before any kernel runs, on a GPU or on the CPU:
/// <c>q</c> <c>[batch, seqQ, heads, HeadDim]</c>; <c>k</c> and <c>v</c> <c>[batch, seqK, kvHeads, HeadDim]</c>;
/// <c>sinkLogits</c>, one per head, for kernels with sinks; <c>output</c> shaped like <c>q</c>; and the optional
/// log-sum-exp <c>[batch, heads, seqQ]</c>.
/// </summary>
public static class AttentionInputs
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first size or buffer length that does not fit
    /// <paramref name="shape"/>, with the expected and actual numbers. Empty optional buffers mean "not given".
    /// </summary>
    public static void Validate(
        long query, long key, long value, long sinkLogits, long output, long logSumExp,
        AttentionShape shape, int headDim, bool hasSinks, bool writesLogSumExp)
    {
        shape.Validate(headDim);
        var queries = shape.QueryElements(headDim);
        var keys = shape.KeyElements(headDim);
        Require("q", query, queries, $"Batch * SeqQ * Heads * HeadDim = {shape.Batch} * {shape.SeqQ} * {shape.Heads} * {headDim}");
        Require("k", key, keys, $"Batch * SeqK * KvHeads * HeadDim = {shape.Batch} * {shape.SeqK} * {shape.KvHeads} * {headDim}");
        Require("v", value, keys, $"Batch * SeqK * KvHeads * HeadDim = {shape.Batch} * {shape.SeqK} * {shape.KvHeads} * {headDim}");
        Require("output", output, queries, $"Batch * SeqQ * Heads * HeadDim = {shape.Batch} * {shape.SeqQ} * {shape.Heads} * {headDim}");
        Require("sinkLogits", sinkLogits, hasSinks ? shape.Heads : 0, hasSinks ? "one sink logit per head" : "none: this kernel has no sinks");
        Require("logSumExp", logSumExp, writesLogSumExp ? shape.LogSumExpElements : 0, $"Batch * Heads * SeqQ = {shape.Batch} * {shape.Heads} * {shape.SeqQ}");
    }

    /// <summary>The head sizes every kernel supports: multiples of 16 from 16 to 256, as the generator accepts them.</summary>
    public static bool IsSupportedHeadDim(int headDim) => headDim is >= 16 and <= 256 && headDim % 16 == 0;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a head size no kernel supports.</summary>
    public static void ValidateHeadDim(int headDim)
    {
        if (!IsSupportedHeadDim(headDim))
        {
            throw new ArgumentOutOfRangeException(nameof(headDim), headDim, "The head size must be a multiple of 16 from 16 to 256.");
        }
    }

    private static void Require(string name, long actual, long expected, string because)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} has {actual} elements but the shape needs {expected} ({because}).", name);
        }
    }
}
