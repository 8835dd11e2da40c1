using System;
using ILGPU;
using ILGPU.Runtime;

namespace KernelGen;

/// <summary>The device buffers of a call over sequences (packed batch or KV cache), laid out as its <see cref="SequenceGeometry"/> says.</summary>
/// <param name="Query">Queries, <c>[tokens, heads, HeadDim]</c>.</param>
/// <param name="Key">Keys, laid out by the geometry's strides.</param>
/// <param name="Value">Values, laid out like <paramref name="Key"/>.</param>
/// <param name="SinkLogits">One sink logit per head, or empty for kernels without sinks.</param>
/// <param name="Output">Output, shaped like the queries.</param>
/// <param name="LogSumExp">Log-sum-exp, <c>[heads, tokens]</c>, or empty when not wanted.</param>
/// <param name="Sequences">One layout per sequence.</param>
public readonly record struct SequenceBuffers(
    ArrayView<float> Query, ArrayView<float> Key, ArrayView<float> Value, ArrayView<float> SinkLogits,
    ArrayView<float> Output, ArrayView<float> LogSumExp, ArrayView<SequenceLayout> Sequences);

/// <summary>Queues a spec's ILGPU attention over sequences on <paramref name="stream"/> (a spec's generated <c>ForwardSequences</c>).</summary>
/// <param name="stream">The stream to queue on.</param>
/// <param name="buffers">The device buffers, with the layouts on the device.</param>
/// <param name="geometry">The sizes and strides every sequence shares.</param>
/// <param name="sequences">
/// A host copy of <c>buffers.Sequences</c>: the layouts are checked against the buffers from it, since the device copy
/// cannot be read without waiting for the device.
/// </param>
public delegate void SequenceLaunch(AcceleratorStream stream, SequenceBuffers buffers, SequenceGeometry geometry, ReadOnlySpan<SequenceLayout> sequences);
