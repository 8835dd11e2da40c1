using System.Collections.Generic;

namespace KernelGen.Generator.Model;

/// <summary>One buffer a generated kernel takes, as every emitter declares and documents it.</summary>
/// <param name="Name">The parameter name.</param>
/// <param name="IsOutput">Whether the kernel writes it.</param>
/// <param name="IsElement">Whether it holds the spec's element type (Q, K, V, output); otherwise fp32 (sink logits, log-sum-exp).</param>
/// <param name="Documentation">Its <c>&lt;param&gt;</c> text: what it holds and its layout.</param>
internal sealed record KernelBuffer(string Name, bool IsOutput, bool IsElement, string Documentation);

/// <summary>
/// The buffers of a kernel call, in parameter order: one list for every emitter (ILGPU device views, host spans,
/// CPU kernel), so that a buffer is added, named and documented once. Their lengths are checked at run time by
/// <c>AttentionInputs.Validate</c> (dense) or <c>PackedBatch.Describe</c> and <c>SequenceInputs.Validate</c> (packed), with the same layouts.
/// </summary>
internal static class KernelBuffers
{
    public static readonly KernelBuffer Query = new("q", false, true, "Queries, <c>[batch, seqQ, heads, HeadDim]</c>.");
    public static readonly KernelBuffer Key = new("k", false, true, "Keys, <c>[batch, seqK, kvHeads, HeadDim]</c>.");
    public static readonly KernelBuffer Value = new("v", false, true, "Values, <c>[batch, seqK, kvHeads, HeadDim]</c>.");
    public static readonly KernelBuffer SinkLogits = new("sinkLogits", false, false, "One learned sink logit per query head.");
    public static readonly KernelBuffer Output = new("output", true, true, "Receives the attention output, shaped like <paramref name=\"q\"/>.");
    public static readonly KernelBuffer LogSumExp = new("logSumExp", true, false, "Receives the natural-log log-sum-exp of each row, <c>[batch, heads, seqQ]</c>; -inf for a row that sees no key.");

    public static readonly KernelBuffer PackedQuery = new("q", false, true, "Queries of every sequence, packed <c>[totalQ, heads, HeadDim]</c>: sequence <c>b</c> holds tokens <c>cuSeqLensQ[b]</c> to <c>cuSeqLensQ[b + 1] - 1</c>.");
    public static readonly KernelBuffer PackedKey = new("k", false, true, "Keys of every sequence, packed <c>[totalK, kvHeads, HeadDim]</c>: sequence <c>b</c> holds tokens <c>cuSeqLensK[b]</c> to <c>cuSeqLensK[b + 1] - 1</c>.");
    public static readonly KernelBuffer PackedValue = new("v", false, true, "Values, packed like <paramref name=\"k\"/>.");
    public static readonly KernelBuffer PackedLogSumExp = new("logSumExp", true, false, "Receives the natural-log log-sum-exp of each row, <c>[heads, totalQ]</c>; -inf for a row that sees no key.");

    /// <summary>The buffers of <paramref name="spec"/>'s calls on a dense batch, with or without the log-sum-exp.</summary>
    public static IReadOnlyList<KernelBuffer> For(KernelSpec spec, bool withLogSumExp) =>
        InOrder(spec, withLogSumExp, Query, Key, Value, LogSumExp);

    /// <summary>The buffers of <paramref name="spec"/>'s calls on a packed variable-length batch (FlashAttention's varlen layout).</summary>
    public static IReadOnlyList<KernelBuffer> Packed(KernelSpec spec, bool withLogSumExp) =>
        InOrder(spec, withLogSumExp, PackedQuery, PackedKey, PackedValue, PackedLogSumExp);

    private static IReadOnlyList<KernelBuffer> InOrder(KernelSpec spec, bool withLogSumExp, KernelBuffer query, KernelBuffer key, KernelBuffer value, KernelBuffer logSumExp)
    {
        var buffers = new List<KernelBuffer> { query, key, value };
        if (spec.Sinks)
        {
            buffers.Add(SinkLogits);
        }

        buffers.Add(Output);
        if (withLogSumExp)
        {
            buffers.Add(logSumExp);
        }

        return buffers;
    }
}
