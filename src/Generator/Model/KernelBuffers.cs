using System.Collections.Generic;

namespace KernelGen.Generator.Model;

/// <summary>One buffer a generated kernel takes, as every emitter declares and documents it.</summary>
/// <param name="Name">The parameter name.</param>
/// <param name="IsOutput">Whether the kernel writes it.</param>
/// <param name="Documentation">Its <c>&lt;param&gt;</c> text: what it holds and its layout.</param>
internal sealed record KernelBuffer(string Name, bool IsOutput, string Documentation);

/// <summary>
/// The buffers of a kernel call, in parameter order: one list for every emitter (ILGPU device views, host spans,
/// CPU kernel), so that a buffer is added, named and documented once. Their lengths are checked at run time by
/// <c>AttentionInputs.Validate</c>, with the same layouts.
/// </summary>
internal static class KernelBuffers
{
    public static readonly KernelBuffer Query = new("q", false, "Queries, <c>[batch, seqQ, heads, HeadDim]</c>.");
    public static readonly KernelBuffer Key = new("k", false, "Keys, <c>[batch, seqK, kvHeads, HeadDim]</c>.");
    public static readonly KernelBuffer Value = new("v", false, "Values, <c>[batch, seqK, kvHeads, HeadDim]</c>.");
    public static readonly KernelBuffer SinkLogits = new("sinkLogits", false, "One learned sink logit per query head.");
    public static readonly KernelBuffer Output = new("output", true, "Receives the attention output, shaped like <paramref name=\"q\"/>.");
    public static readonly KernelBuffer LogSumExp = new("logSumExp", true, "Receives the natural-log log-sum-exp of each row, <c>[batch, heads, seqQ]</c>; -inf for a row that sees no key.");

    // FlashAttention's varlen layout: the sequences' tokens one after another, cut by cumulative offsets.
    public static readonly KernelBuffer PackedQuery = new("q", false, "Queries, <c>[totalQ, heads, HeadDim]</c>: sequence b's are tokens <c>[cuSeqLensQ[b], cuSeqLensQ[b + 1])</c>.");
    public static readonly KernelBuffer PackedKey = new("k", false, "Keys, <c>[totalK, kvHeads, HeadDim]</c>: sequence b's are tokens <c>[cuSeqLensK[b], cuSeqLensK[b + 1])</c>.");
    public static readonly KernelBuffer PackedValue = new("v", false, "Values, laid out like <paramref name=\"k\"/>.");
    public static readonly KernelBuffer PackedLogSumExp = new("logSumExp", true, "Receives the natural-log log-sum-exp of each row, <c>[heads, totalQ]</c>; -inf for a row that sees no key.");

    /// <summary>The buffers of <paramref name="spec"/>'s calls, with or without the log-sum-exp, dense or packed (varlen).</summary>
    public static IReadOnlyList<KernelBuffer> For(KernelSpec spec, bool withLogSumExp, bool packed = false)
    {
        var buffers = packed
            ? new List<KernelBuffer> { PackedQuery, PackedKey, PackedValue }
            : new List<KernelBuffer> { Query, Key, Value };
        if (spec.Sinks)
        {
            buffers.Add(SinkLogits);
        }

        buffers.Add(Output);
        if (withLogSumExp)
        {
            buffers.Add(packed ? PackedLogSumExp : LogSumExp);
        }

        return buffers;
    }
}
