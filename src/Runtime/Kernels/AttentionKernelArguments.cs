using System.Runtime.CompilerServices;

namespace KernelGen;

/// <summary>
/// The sizes of a dense call and where its rows lie, as the fp64 reference indexes them. The ILGPU kernels take a
/// <see cref="SequenceGeometry"/> and <see cref="SequenceLayout"/>s instead, which describe packed batches and caches too.
/// </summary>
public readonly struct AttentionKernelArguments
{
    /// <summary>Sequences in the batch.</summary>
    public readonly int Batch;

    /// <summary>Queries per sequence.</summary>
    public readonly int SeqQ;

    /// <summary>Keys per sequence.</summary>
    public readonly int SeqK;

    /// <summary>Query heads.</summary>
    public readonly int Heads;

    /// <summary>Query heads that share one key/value head.</summary>
    public readonly int HeadsPerKvHead;

    /// <summary>Key/value heads.</summary>
    public readonly int KvHeads;

    /// <summary>The key index that query 0's diagonal sits on (depends on the alignment).</summary>
    public readonly long DiagonalOffset;

    /// <summary>1 when the kernel writes the log-sum-exp, 0 when not (ILGPU kernel structs keep to numbers).</summary>
    public readonly int WritesLogSumExp;

    /// <summary>Creates the arguments for a validated <paramref name="shape"/>.</summary>
    public AttentionKernelArguments(AttentionShape shape, long diagonalOffset, bool writesLogSumExp)
    {
        Batch = shape.Batch;
        SeqQ = shape.SeqQ;
        SeqK = shape.SeqK;
        Heads = shape.Heads;
        KvHeads = shape.KvHeads;
        HeadsPerKvHead = shape.Heads / shape.KvHeads;
        DiagonalOffset = diagonalOffset;
        WritesLogSumExp = writesLogSumExp ? 1 : 0;
    }

    /// <summary>Where element 0 of query (or output) row <c>[batch, query, head]</c> starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long QueryRow(int batch, long query, int head, int headDim) => ((((long)batch * SeqQ) + query) * Heads + head) * headDim;

    /// <summary>Where element 0 of key (or value) row <c>[batch, key, kvHead]</c> starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long KeyRow(int batch, long key, int kvHead, int headDim) => ((((long)batch * SeqK) + key) * KvHeads + kvHead) * headDim;

    /// <summary>The log-sum-exp element of <c>[batch, head, query]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long LogSumExpIndex(int batch, int head, long query) => (((long)batch * Heads) + head) * SeqQ + query;
}
