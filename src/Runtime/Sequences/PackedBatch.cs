using System;

namespace KernelGen;

/// <summary>
/// A packed variable-length batch, FlashAttention's varlen layout: sequence <c>b</c> owns query tokens
/// <c>[cuSeqLensQ[b], cuSeqLensQ[b + 1])</c> and key tokens <c>[cuSeqLensK[b], cuSeqLensK[b + 1])</c>, and the window
/// applies inside each sequence, with the sequence's own diagonal.
/// </summary>
public static class PackedBatch
{
    /// <summary>
    /// Checks the offsets against the buffers and returns the geometry and one <see cref="SequenceLayout"/> per sequence.
    /// Throws <see cref="ArgumentException"/> naming the first bad entry: offsets must have the same length (batch + 1,
    /// at least 2), start at 0, never decrease, and end at the tokens the buffers hold.
    /// </summary>
    /// <param name="cuSeqLensQ">Cumulative query lengths, <c>batch + 1</c> entries.</param>
    /// <param name="cuSeqLensK">Cumulative key lengths, <c>batch + 1</c> entries.</param>
    /// <param name="queryElements">Elements of <c>q</c> (and of the output).</param>
    /// <param name="keyElements">Elements of <c>k</c> (and of <c>v</c>).</param>
    /// <param name="heads">Query heads.</param>
    /// <param name="kvHeads">Key/value heads; <paramref name="heads"/> must be a multiple of it.</param>
    /// <param name="headDim">Elements per head row.</param>
    /// <param name="alignment">Where each sequence's diagonal sits.</param>
    /// <param name="writesLogSumExp">Whether the call writes the log-sum-exp, <c>[heads, totalQ]</c>.</param>
    public static (SequenceGeometry Geometry, SequenceLayout[] Sequences) Describe(
        ReadOnlySpan<int> cuSeqLensQ, ReadOnlySpan<int> cuSeqLensK, long queryElements, long keyElements,
        int heads, int kvHeads, int headDim, WindowAlignment alignment, bool writesLogSumExp)
    {
        if (cuSeqLensQ.Length != cuSeqLensK.Length)
        {
            throw new ArgumentException($"cuSeqLensQ has {cuSeqLensQ.Length} entries and cuSeqLensK {cuSeqLensK.Length}: both must have batch + 1.", nameof(cuSeqLensK));
        }

        if (cuSeqLensQ.Length < 2)
        {
            throw new ArgumentException($"cuSeqLensQ has {cuSeqLensQ.Length} entries: it needs batch + 1, at least 2 (0 and the total).", nameof(cuSeqLensQ));
        }

        // The heads and the sequence count obey a dense call's rules (heads a multiple of kvHeads, CUDA's grid limits).
        new AttentionShape(cuSeqLensQ.Length - 1, 1, 1, heads, kvHeads).Validate(headDim);

        long totalQueries = Tokens(queryElements, (long)heads * headDim, "q", "heads * HeadDim");
        long totalKeys = Tokens(keyElements, (long)kvHeads * headDim, "k", "kvHeads * HeadDim");
        CheckOffsets(cuSeqLensQ, totalQueries, nameof(cuSeqLensQ), "query");
        CheckOffsets(cuSeqLensK, totalKeys, nameof(cuSeqLensK), "key");

        var sequences = new SequenceLayout[cuSeqLensQ.Length - 1];
        int maxQueries = 0, maxKeys = 0;
        for (int sequence = 0; sequence < sequences.Length; sequence++)
        {
            int queries = cuSeqLensQ[sequence + 1] - cuSeqLensQ[sequence];
            int keys = cuSeqLensK[sequence + 1] - cuSeqLensK[sequence];
            maxQueries = Math.Max(maxQueries, queries);
            maxKeys = Math.Max(maxKeys, keys);
            sequences[sequence] = new SequenceLayout(
                cuSeqLensQ[sequence], queries, (long)cuSeqLensK[sequence] * kvHeads * headDim, keys,
                SequenceLayout.DiagonalOffsetFor(alignment, queries, keys), cuSeqLensQ[sequence]);
        }

        var geometry = SequenceGeometry.Packed(sequences.Length, heads, kvHeads, headDim, totalQueries, maxQueries, maxKeys, writesLogSumExp);
        return (geometry, sequences);
    }

    private static long Tokens(long elements, long perToken, string buffer, string perTokenText)
    {
        if (elements % perToken != 0)
        {
            throw new ArgumentException($"{buffer} has {elements} elements, not a multiple of {perTokenText} = {perToken}.", buffer);
        }

        return elements / perToken;
    }

    private static void CheckOffsets(ReadOnlySpan<int> offsets, long total, string name, string what)
    {
        if (offsets[0] != 0)
        {
            throw new ArgumentException($"{name}[0] is {offsets[0]}: the offsets must start at 0.", name);
        }

        for (int entry = 1; entry < offsets.Length; entry++)
        {
            if (offsets[entry] < offsets[entry - 1])
            {
                throw new ArgumentException($"{name}[{entry}] is {offsets[entry]}, below {name}[{entry - 1}] = {offsets[entry - 1]}: the offsets must never decrease.", name);
            }
        }

        if (offsets[^1] != total)
        {
            throw new ArgumentException($"{name}[{offsets.Length - 1}] is {offsets[^1]}, but the buffers hold {total} {what} tokens: the last offset must be the total.", name);
        }
    }
}
