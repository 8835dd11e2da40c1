using System;

namespace KernelGen;

/// <summary>
/// The checks every call over sequences passes before any kernel runs: each sequence's rows must lie inside the
/// buffers, and in a ring every key the window shows must still be held. A kernel never reads outside a buffer, and a
/// cache that is too small fails here instead of attending to overwritten keys.
/// </summary>
public static class SequenceInputs
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first sequence or buffer that does not fit.</summary>
    public static void Validate<TWindow>(
        TWindow window, SequenceGeometry geometry, ReadOnlySpan<SequenceLayout> sequences, int headDim,
        long query, long key, long value, long output, long logSumExp, long sinkLogits, bool hasSinks)
        where TWindow : struct, IWindowBounds
    {
        if (geometry.HeadDim != headDim || geometry.Heads <= 0 || geometry.KvHeads <= 0 || geometry.Heads % geometry.KvHeads != 0)
        {
            throw new ArgumentException($"The geometry has head size {geometry.HeadDim} and {geometry.Heads} heads over {geometry.KvHeads} KV heads; the kernel needs head size {headDim} and heads a positive multiple of KV heads.", nameof(geometry));
        }

        if (geometry.Sequences != sequences.Length)
        {
            throw new ArgumentException($"The geometry counts {geometry.Sequences} sequences but {sequences.Length} layouts were given.", nameof(sequences));
        }

        long queryRow = (long)geometry.Heads * headDim;
        if (query % queryRow != 0 || output != query)
        {
            throw new ArgumentException($"q has {query} elements and output {output}: both must be the same whole number of tokens of heads * HeadDim = {queryRow}.", nameof(output));
        }

        if (value != key)
        {
            throw new ArgumentException($"k has {key} elements and v {value}: they must match.", nameof(value));
        }

        if (sinkLogits != (hasSinks ? geometry.Heads : 0))
        {
            throw new ArgumentException($"sinkLogits has {sinkLogits} elements but the kernel needs {(hasSinks ? $"{geometry.Heads}, one per head" : "none: it has no sinks")}.", "sinkLogits");
        }

        if (geometry.WritesLogSumExp == 0 && logSumExp != 0)
        {
            throw new ArgumentException($"logSumExp has {logSumExp} elements, but the geometry {(geometry.WritesLogSumExp != 0 ? "writes" : "does not write")} the log-sum-exp.", "logSumExp");
        }

        long tokens = query / queryRow;
        for (int index = 0; index < sequences.Length; index++)
        {
            var sequence = sequences[index];
            if (sequence.QueryCount < 0 || sequence.KeyCount < 0 || sequence.QueryCount > geometry.MaxQueryCount || sequence.KeyCount > geometry.MaxKeyCount)
            {
                throw new ArgumentException($"Sequence {index} has {sequence.QueryCount} queries and {sequence.KeyCount} keys; the geometry allows 0..{geometry.MaxQueryCount} and 0..{geometry.MaxKeyCount}.", nameof(sequences));
            }

            if (sequence.QueryStart < 0 || sequence.QueryStart + sequence.QueryCount > tokens)
            {
                throw new ArgumentException($"Sequence {index}'s queries [{sequence.QueryStart}, {sequence.QueryStart + sequence.QueryCount}) do not lie inside the {tokens} tokens of q.", nameof(sequences));
            }

            long heldKeys = geometry.RingCapacity == 0 ? sequence.KeyCount : Math.Min(sequence.KeyCount, geometry.RingCapacity);
            long keyEnd = heldKeys == 0 ? sequence.KeyStart : sequence.KeyStart + ((heldKeys - 1) * geometry.KeyRowStride) + ((geometry.KvHeads - 1) * geometry.KeyHeadStride) + headDim;
            if (sequence.KeyStart < 0 || keyEnd > key)
            {
                throw new ArgumentException($"Sequence {index}'s keys end at element {keyEnd} but k holds {key}.", nameof(sequences));
            }

            if (geometry.WritesLogSumExp != 0 && sequence.QueryCount > 0
                && (sequence.LogSumExpStart < 0 || sequence.LogSumExpStart + ((geometry.Heads - 1) * geometry.LogSumExpHeadStride) + sequence.QueryCount > logSumExp))
            {
                throw new ArgumentException($"Sequence {index}'s log-sum-exp rows do not lie inside the {logSumExp} elements of logSumExp.", nameof(sequences));
            }

            if (geometry.RingCapacity != 0)
            {
                RequireHeld(window, sequence, geometry.RingCapacity, index);
            }
        }
    }

    // The first query reaches furthest back; an empty row reaches nothing.
    private static void RequireHeld<TWindow>(TWindow window, SequenceLayout sequence, int capacity, int index)
        where TWindow : struct, IWindowBounds
    {
        long firstHeld = (long)sequence.KeyCount - capacity;
        for (long query = 0; query < sequence.QueryCount; query++)
        {
            var keys = WindowMask.VisibleKeys(window, query, sequence.DiagonalOffset, sequence.KeyCount);
            if (keys.End > keys.Start)
            {
                if (keys.Start < firstHeld)
                {
                    throw new ArgumentException($"Sequence {index}: query {query} sees key {keys.Start}, but the ring of {capacity} slots holds only keys {firstHeld} to {sequence.KeyCount - 1}.", "sequences");
                }

                return;
            }
        }
    }
}
