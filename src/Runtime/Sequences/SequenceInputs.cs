using System;

namespace KernelGen;

/// <summary>
/// The checks a call over sequences passes before any kernel runs: the geometry against the kernel, and every layout
/// against the buffers it points into, from host copies of the layouts (a device buffer of layouts cannot be read without
/// waiting for the device). O(sequences) and allocation-free until something fails: cheap enough for every decode step.
/// </summary>
public static class SequenceInputs
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first size, layout or buffer length that the call cannot run:
    /// a layout that reaches outside its buffers, a sequence longer than the geometry's maximum, or a ring too short for
    /// the window (a visible key that the ring no longer holds). Lengths are element counts; empty optional buffers mean
    /// "not given".
    /// </summary>
    /// <param name="query">Elements of <c>q</c>.</param>
    /// <param name="key">Elements of <c>k</c>.</param>
    /// <param name="value">Elements of <c>v</c>.</param>
    /// <param name="sinkLogits">Elements of the sink logits.</param>
    /// <param name="output">Elements of the output.</param>
    /// <param name="logSumExp">Elements of the log-sum-exp.</param>
    /// <param name="geometry">The call's sizes and strides.</param>
    /// <param name="sequences">The layouts, one per sequence.</param>
    /// <param name="window">The window the call applies.</param>
    /// <param name="headDim">The kernel's head size.</param>
    /// <param name="hasSinks">Whether the kernel reads a sink logit per head.</param>
    public static void Validate<TWindow>(
        long query, long key, long value, long sinkLogits, long output, long logSumExp,
        SequenceGeometry geometry, ReadOnlySpan<SequenceLayout> sequences, TWindow window, int headDim, bool hasSinks)
        where TWindow : struct, IWindowBounds
    {
        ValidateGeometry(geometry, sequences.Length, headDim);
        long rowElements = (long)geometry.Heads * headDim;
        if (query % rowElements != 0)
        {
            throw new ArgumentException($"q has {query} elements, not a multiple of Heads * HeadDim = {rowElements}.", "q");
        }

        if (output != query)
        {
            throw new ArgumentException($"output has {output} elements but q has {query}: the output is shaped like q.", "output");
        }

        if (sinkLogits != (hasSinks ? geometry.Heads : 0))
        {
            throw new ArgumentException(
                $"sinkLogits has {sinkLogits} elements but {(hasSinks ? $"this kernel needs one per head ({geometry.Heads})" : "this kernel has no sinks")}.", "sinkLogits");
        }

        // A call with no queries (every row of a cache sitting a step out) writes no log-sum-exp even when asked to.
        if (geometry.WritesLogSumExp == 0 ? logSumExp != 0 : logSumExp == 0 && query != 0)
        {
            throw new ArgumentException(
                $"logSumExp has {logSumExp} elements but the geometry says the call {(geometry.WritesLogSumExp != 0 ? "writes" : "does not write")} the log-sum-exp.", "logSumExp");
        }

        long tokens = query / rowElements;
        for (var index = 0; index < sequences.Length; index++)
        {
            ValidateSequence(sequences[index], index, tokens, key, value, logSumExp, geometry, window);
        }
    }

    private static void ValidateGeometry(SequenceGeometry geometry, int sequences, int headDim)
    {
        if (geometry.HeadDim != headDim)
        {
            throw new ArgumentException($"geometry.HeadDim is {geometry.HeadDim} but this kernel's head size is {headDim}.", nameof(geometry));
        }

        if (geometry.Heads <= 0 || geometry.KvHeads <= 0 || geometry.Heads % geometry.KvHeads != 0)
        {
            throw new ArgumentException($"geometry.Heads ({geometry.Heads}) must be a positive multiple of geometry.KvHeads ({geometry.KvHeads}).", nameof(geometry));
        }

        if (geometry.Sequences != sequences)
        {
            throw new ArgumentException($"geometry.Sequences is {geometry.Sequences} but {sequences} layouts were given.", nameof(geometry));
        }

        if (geometry.Sequences is <= 0 or > AttentionShape.MaxHeadsOrBatch || geometry.Heads > AttentionShape.MaxHeadsOrBatch)
        {
            throw new ArgumentException(
                $"A call takes 1 to {AttentionShape.MaxHeadsOrBatch} sequences and at most as many heads (CUDA's grid limit); this one has {geometry.Sequences} and {geometry.Heads}.", nameof(geometry));
        }

        if (geometry.MaxQueryCount < 0 || geometry.MaxKeyCount < 0 || geometry.RingCapacity < 0)
        {
            throw new ArgumentException(
                $"geometry.MaxQueryCount ({geometry.MaxQueryCount}), MaxKeyCount ({geometry.MaxKeyCount}) and RingCapacity ({geometry.RingCapacity}) must not be negative.", nameof(geometry));
        }

        if (geometry.KeyRowStride <= 0 || geometry.KeyHeadStride < 0 || geometry.LogSumExpHeadStride < 0)
        {
            throw new ArgumentException(
                $"geometry.KeyRowStride ({geometry.KeyRowStride}) must be positive, and KeyHeadStride ({geometry.KeyHeadStride}) and LogSumExpHeadStride ({geometry.LogSumExpHeadStride}) not negative.", nameof(geometry));
        }
    }

    private static void ValidateSequence<TWindow>(
        SequenceLayout sequence, int index, long tokens, long key, long value, long logSumExp, SequenceGeometry geometry, TWindow window)
        where TWindow : struct, IWindowBounds
    {
        const string Parameter = "sequences";
        if (sequence.QueryCount < 0 || sequence.KeyCount < 0
            || sequence.QueryCount > geometry.MaxQueryCount || sequence.KeyCount > geometry.MaxKeyCount)
        {
            throw new ArgumentException(
                $"sequences[{index}] has {sequence.QueryCount} queries and {sequence.KeyCount} keys: each must lie between 0 and geometry.MaxQueryCount ({geometry.MaxQueryCount}) or MaxKeyCount ({geometry.MaxKeyCount}).", Parameter);
        }

        if (sequence.QueryStart < 0 || sequence.QueryStart + sequence.QueryCount > tokens)
        {
            throw new ArgumentException(
                $"sequences[{index}] holds query tokens {sequence.QueryStart} to {sequence.QueryStart + sequence.QueryCount - 1}, outside the {tokens} tokens of q.", Parameter);
        }

        if (sequence.QueryCount == 0)
        {
            return;
        }

        if (geometry.WritesLogSumExp != 0)
        {
            var end = (Int128)sequence.LogSumExpStart + ((Int128)(geometry.Heads - 1) * geometry.LogSumExpHeadStride) + sequence.QueryCount;
            if (sequence.LogSumExpStart < 0 || end > logSumExp)
            {
                throw new ArgumentException(
                    $"sequences[{index}]'s log-sum-exp rows reach element {end - 1} (start {sequence.LogSumExpStart}), outside the {logSumExp} elements of logSumExp.", Parameter);
            }
        }

        if (sequence.KeyCount == 0)
        {
            return;
        }

        // The kernel may read any key position it holds: 0 .. KeyCount - 1, or every slot of a full ring.
        long slots = geometry.RingCapacity == 0 ? sequence.KeyCount : Math.Min(sequence.KeyCount, geometry.RingCapacity);
        var keyEnd = (Int128)sequence.KeyStart + ((Int128)(slots - 1) * geometry.KeyRowStride)
            + ((Int128)(geometry.KvHeads - 1) * geometry.KeyHeadStride) + geometry.HeadDim;
        if (sequence.KeyStart < 0 || keyEnd > key || keyEnd > value)
        {
            throw new ArgumentException(
                $"sequences[{index}]'s keys reach element {keyEnd - 1} (start {sequence.KeyStart}), outside k ({key} elements) or v ({value}).", Parameter);
        }

        if (geometry.RingCapacity != 0 && sequence.KeyCount > geometry.RingCapacity)
        {
            // Both window edges move with the query, so the first query that sees any key sees the earliest key of all.
            long firstSeeing = window.HasRightBound ? Math.Max(0, -(sequence.DiagonalOffset + window.Right)) : 0;
            // Positions below SinkSlots keep their own slots; the ring holds the latest of the others.
            long oldestHeld = (long)sequence.KeyCount - (geometry.RingCapacity - geometry.SinkSlots);
            if (firstSeeing < sequence.QueryCount
                && WindowMask.VisibleKeys(window, firstSeeing, sequence.DiagonalOffset, sequence.KeyCount) is { IsEmpty: false } keys
                && Math.Max(keys.Start, geometry.SinkSlots) < Math.Min(keys.End, oldestHeld))
            {
                var sinks = geometry.SinkSlots > 0 ? $" besides keys 0 to {geometry.SinkSlots - 1}" : string.Empty;
                long seen = Math.Max(keys.Start, geometry.SinkSlots);
                long needed = geometry.SinkSlots + (sequence.KeyCount - seen);
                throw new ArgumentException(
                    $"sequences[{index}]'s query {firstSeeing} sees key {seen}, but a ring of {geometry.RingCapacity} slots holding {sequence.KeyCount} keys keeps only keys {oldestHeld} and later{sinks}: " +
                    $"this call needs at least {needed} slots (KvCacheCapacity.Capacity gives the size that serves every call of the window).", Parameter);
            }
        }
    }
}
