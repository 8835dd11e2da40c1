using System;
using System.Linq;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>
/// A 16-bit spec's CPU entry points as tests see them, over fp32 arrays that hold values of its element type (see
/// <see cref="ElementArrays"/>), next to its fp32 twin: the spec declared the same but for the element type.
/// </summary>
/// <param name="Name">The spec's class name.</param>
/// <param name="Element">Its element type.</param>
/// <param name="Twin">The fp32 spec it is declared like.</param>
/// <param name="Cpu">Its <c>ForwardCpu</c> with the log-sum-exp.</param>
/// <param name="Varlen">Its <c>ForwardCpuVarlen</c> with the log-sum-exp.</param>
public sealed record ElementSpecUnderTest(string Name, AttentionElement Element, SpecUnderTest Twin, SpecUnderTest.CpuForward Cpu, ElementSpecUnderTest.VarlenForward Varlen)
{
    /// <summary>A spec's <c>ForwardCpuVarlen</c> with the log-sum-exp; <paramref name="sinks"/> is ignored without sinks.</summary>
    public delegate void VarlenForward(float[] q, float[] k, float[] v, float[] sinks, float[] output, float[] logSumExp, int[] cuSeqLensQ, int[] cuSeqLensK, int heads, int kvHeads);

    public override string ToString() => Name;

    public static ElementSpecUnderTest[] All { get; } =
    {
        new(nameof(CausalWindow5Float16), AttentionElement.Float16, TwinNamed(nameof(CausalWindow5)),
            (q, k, v, s, o, l, shape, options) => ElementArrays.Run<Half>(q, k, v, o, (qe, ke, ve, oe) => CausalWindow5Float16.ForwardCpu(qe, ke, ve, oe, l, shape, options)),
            (q, k, v, s, o, l, cq, ck, h, kv) => ElementArrays.Run<Half>(q, k, v, o, (qe, ke, ve, oe) => CausalWindow5Float16.ForwardCpuVarlen(qe, ke, ve, oe, l, cq, ck, h, kv))),
        new(nameof(CausalWindow5BFloat16), AttentionElement.BFloat16, TwinNamed(nameof(CausalWindow5)),
            (q, k, v, s, o, l, shape, options) => ElementArrays.Run<BFloat16>(q, k, v, o, (qe, ke, ve, oe) => CausalWindow5BFloat16.ForwardCpu(qe, ke, ve, oe, l, shape, options)),
            (q, k, v, s, o, l, cq, ck, h, kv) => ElementArrays.Run<BFloat16>(q, k, v, o, (qe, ke, ve, oe) => CausalWindow5BFloat16.ForwardCpuVarlen(qe, ke, ve, oe, l, cq, ck, h, kv))),
        new(nameof(DefaultTiles64Float16), AttentionElement.Float16, TwinNamed(nameof(DefaultTiles64)),
            (q, k, v, s, o, l, shape, options) => ElementArrays.Run<Half>(q, k, v, o, (qe, ke, ve, oe) => DefaultTiles64Float16.ForwardCpu(qe, ke, ve, oe, l, shape, options)),
            (q, k, v, s, o, l, cq, ck, h, kv) => ElementArrays.Run<Half>(q, k, v, o, (qe, ke, ve, oe) => DefaultTiles64Float16.ForwardCpuVarlen(qe, ke, ve, oe, l, cq, ck, h, kv))),
        new(nameof(DefaultTiles128Float16), AttentionElement.Float16, TwinNamed(nameof(DefaultTiles128)),
            (q, k, v, s, o, l, shape, options) => ElementArrays.Run<Half>(q, k, v, o, (qe, ke, ve, oe) => DefaultTiles128Float16.ForwardCpu(qe, ke, ve, oe, l, shape, options)),
            (q, k, v, s, o, l, cq, ck, h, kv) => ElementArrays.Run<Half>(q, k, v, o, (qe, ke, ve, oe) => DefaultTiles128Float16.ForwardCpuVarlen(qe, ke, ve, oe, l, cq, ck, h, kv))),
        new(nameof(DefaultTiles128BFloat16), AttentionElement.BFloat16, TwinNamed(nameof(DefaultTiles128)),
            (q, k, v, s, o, l, shape, options) => ElementArrays.Run<BFloat16>(q, k, v, o, (qe, ke, ve, oe) => DefaultTiles128BFloat16.ForwardCpu(qe, ke, ve, oe, l, shape, options)),
            (q, k, v, s, o, l, cq, ck, h, kv) => ElementArrays.Run<BFloat16>(q, k, v, o, (qe, ke, ve, oe) => DefaultTiles128BFloat16.ForwardCpuVarlen(qe, ke, ve, oe, l, cq, ck, h, kv))),
        new(nameof(SoftCapWithSinksFloat16), AttentionElement.Float16, TwinNamed(nameof(SoftCapWithSinks)),
            (q, k, v, s, o, l, shape, options) => ElementArrays.Run<Half>(q, k, v, o, (qe, ke, ve, oe) => SoftCapWithSinksFloat16.ForwardCpu(qe, ke, ve, s, oe, l, shape, options)),
            (q, k, v, s, o, l, cq, ck, h, kv) => ElementArrays.Run<Half>(q, k, v, o, (qe, ke, ve, oe) => SoftCapWithSinksFloat16.ForwardCpuVarlen(qe, ke, ve, s, oe, l, cq, ck, h, kv))),
        new(nameof(SoftCapWithSinksBFloat16), AttentionElement.BFloat16, TwinNamed(nameof(SoftCapWithSinks)),
            (q, k, v, s, o, l, shape, options) => ElementArrays.Run<BFloat16>(q, k, v, o, (qe, ke, ve, oe) => SoftCapWithSinksBFloat16.ForwardCpu(qe, ke, ve, s, oe, l, shape, options)),
            (q, k, v, s, o, l, cq, ck, h, kv) => ElementArrays.Run<BFloat16>(q, k, v, o, (qe, ke, ve, oe) => SoftCapWithSinksBFloat16.ForwardCpuVarlen(qe, ke, ve, s, oe, l, cq, ck, h, kv))),
        new(nameof(ChunkedWindowFloat16), AttentionElement.Float16, TwinNamed(nameof(ChunkedWindow)),
            (q, k, v, s, o, l, shape, options) => ElementArrays.Run<Half>(q, k, v, o, (qe, ke, ve, oe) => ChunkedWindowFloat16.ForwardCpu(qe, ke, ve, oe, l, shape, options)),
            (q, k, v, s, o, l, cq, ck, h, kv) => ElementArrays.Run<Half>(q, k, v, o, (qe, ke, ve, oe) => ChunkedWindowFloat16.ForwardCpuVarlen(qe, ke, ve, oe, l, cq, ck, h, kv))),
        new(nameof(ChunkedWindowBFloat16), AttentionElement.BFloat16, TwinNamed(nameof(ChunkedWindow)),
            (q, k, v, s, o, l, shape, options) => ElementArrays.Run<BFloat16>(q, k, v, o, (qe, ke, ve, oe) => ChunkedWindowBFloat16.ForwardCpu(qe, ke, ve, oe, l, shape, options)),
            (q, k, v, s, o, l, cq, ck, h, kv) => ElementArrays.Run<BFloat16>(q, k, v, o, (qe, ke, ve, oe) => ChunkedWindowBFloat16.ForwardCpuVarlen(qe, ke, ve, oe, l, cq, ck, h, kv))),
        new(nameof(StreamingSinksFloat16), AttentionElement.Float16, TwinNamed(nameof(StreamingSinks)),
            (q, k, v, s, o, l, shape, options) => ElementArrays.Run<Half>(q, k, v, o, (qe, ke, ve, oe) => StreamingSinksFloat16.ForwardCpu(qe, ke, ve, oe, l, shape, options)),
            (q, k, v, s, o, l, cq, ck, h, kv) => ElementArrays.Run<Half>(q, k, v, o, (qe, ke, ve, oe) => StreamingSinksFloat16.ForwardCpuVarlen(qe, ke, ve, oe, l, cq, ck, h, kv))),
        new(nameof(StreamingSinksBFloat16), AttentionElement.BFloat16, TwinNamed(nameof(StreamingSinks)),
            (q, k, v, s, o, l, shape, options) => ElementArrays.Run<BFloat16>(q, k, v, o, (qe, ke, ve, oe) => StreamingSinksBFloat16.ForwardCpu(qe, ke, ve, oe, l, shape, options)),
            (q, k, v, s, o, l, cq, ck, h, kv) => ElementArrays.Run<BFloat16>(q, k, v, o, (qe, ke, ve, oe) => StreamingSinksBFloat16.ForwardCpuVarlen(qe, ke, ve, oe, l, cq, ck, h, kv))),
    };

    public static ElementSpecUnderTest Named(string name) => All.Single(spec => spec.Name == name);

    /// <summary>The spec's CPU kernel with <paramref name="options"/>, as the twin's kernels are run.</summary>
    public SpecUnderTest.Kernel OnCpu(CpuAttentionOptions? options = null) => (q, k, v, s, o, l, shape) => Cpu(q, k, v, s, o, l, shape, options);

    /// <summary>Seeded inputs of one call (<see cref="AttentionInputsForTests.Random"/>) with q, k and v rounded to the element type.</summary>
    public AttentionInputsForTests RoundedInputs(AttentionShape shape, int seed)
    {
        var inputs = AttentionInputsForTests.Random(shape, Twin.HeadDim, Twin.HasSinks, seed);
        return inputs with { Q = ElementArrays.Rounded(inputs.Q, Element), K = ElementArrays.Rounded(inputs.K, Element), V = ElementArrays.Rounded(inputs.V, Element) };
    }

    private static SpecUnderTest TwinNamed(string name) => SpecUnderTest.All.Concat(SpecUnderTest.DefaultTiles).Single(spec => spec.Name == name);
}
