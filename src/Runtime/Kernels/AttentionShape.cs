using System;

namespace KernelGen;

/// <summary>
/// The sizes of one attention call. Tensors are laid out <c>[batch, seq, heads, headDim]</c>, row-major, as in
/// FlashAttention; the head size comes from the kernel's spec. Query head <c>h</c> reads key/value head
/// <c>h / (Heads / KvHeads)</c> (grouped-query attention; <c>KvHeads = 1</c> is multi-query attention).
/// </summary>
/// <param name="Batch">Sequences in the batch.</param>
/// <param name="SeqQ">Queries per sequence.</param>
/// <param name="SeqK">Keys (and values) per sequence.</param>
/// <param name="Heads">Query heads.</param>
/// <param name="KvHeads">Key/value heads; <paramref name="Heads"/> must be a multiple of it.</param>
public readonly record struct AttentionShape(int Batch, int SeqQ, int SeqK, int Heads, int KvHeads)
{
    /// <summary>CUDA's limit on the second and third grid dimensions, which carry heads and batch.</summary>
    public const int MaxHeadsOrBatch = 65535;

    /// <summary>Elements of the query and output tensors: <c>Batch * SeqQ * Heads * headDim</c>.</summary>
    public long QueryElements(int headDim) => (long)Batch * SeqQ * Heads * headDim;

    /// <summary>Elements of the key and value tensors: <c>Batch * SeqK * KvHeads * headDim</c>.</summary>
    public long KeyElements(int headDim) => (long)Batch * SeqK * KvHeads * headDim;

    /// <summary>Elements of the log-sum-exp tensor, laid out <c>[batch, heads, seqQ]</c>.</summary>
    public long LogSumExpElements => (long)Batch * Heads * SeqQ;

    /// <summary>
    /// Where flat element <paramref name="index"/> of a query-shaped tensor (<c>q</c> or the output) sits, as
    /// <c>(batch, query, head, dim)</c>: what a person reading an error wants rather than a flat offset.
    /// </summary>
    public (int Batch, int Query, int Head, int Dim) QueryPosition(long index, int headDim)
    {
        var dim = (int)(index % headDim);
        var row = index / headDim;
        var head = (int)(row % Heads);
        var position = row / Heads;
        return ((int)(position / SeqQ), (int)(position % SeqQ), head, dim);
    }

    /// <summary>The sizes, for example <c>batch 1, SeqQ 96, SeqK 96, heads 4 / 2 KV</c>.</summary>
    public override string ToString() => $"batch {Batch}, SeqQ {SeqQ}, SeqK {SeqK}, heads {Heads} / {KvHeads} KV";

    /// <summary>Throws <see cref="ArgumentException"/> naming the first size that a kernel cannot run.</summary>
    public void Validate(int headDim)
    {
        Require(Batch, nameof(Batch));
        Require(SeqQ, nameof(SeqQ));
        Require(SeqK, nameof(SeqK));
        Require(Heads, nameof(Heads));
        Require(KvHeads, nameof(KvHeads));
        if (Heads % KvHeads != 0)
        {
            throw new ArgumentException($"Heads ({Heads}) must be a multiple of KvHeads ({KvHeads}): query head h reads key/value head h / (Heads / KvHeads).", "shape");
        }

        if (Heads > MaxHeadsOrBatch || Batch > MaxHeadsOrBatch)
        {
            throw new ArgumentException($"Heads ({Heads}) and Batch ({Batch}) must each be at most {MaxHeadsOrBatch}, CUDA's grid limit; split the call.", "shape");
        }

        // Four int factors can overflow long only beyond 2^62 elements; refuse anything near that.
        if ((double)Batch * Math.Max(SeqQ, SeqK) * Heads * headDim > long.MaxValue / 2)
        {
            throw new ArgumentException($"The shape {this} with head size {headDim} has more elements than a buffer can hold.", "shape");
        }

        static void Require(int value, string name)
        {
            if (value <= 0)
            {
                throw new ArgumentException($"{name} must be at least 1, but is {value}.", "shape");
            }
        }
    }
}
