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
/// <typeparam name="TElement">The element type of the queries, keys, values and output, as the device holds it.</typeparam>
public readonly record struct SequenceBuffers<TElement>(
    ArrayView<TElement> Query, ArrayView<TElement> Key, ArrayView<TElement> Value, ArrayView<float> SinkLogits,
    ArrayView<TElement> Output, ArrayView<float> LogSumExp, ArrayView<SequenceLayout> Sequences)
    where TElement : unmanaged;

/// <summary>Queues a spec's ILGPU attention over sequences on <paramref name="stream"/> (a spec's generated <c>ForwardSequences</c>).</summary>
/// <param name="stream">The stream to queue on.</param>
/// <param name="buffers">The device buffers, with the layouts on the device.</param>
/// <param name="geometry">The sizes and strides every sequence shares.</param>
/// <param name="sequences">
/// A host copy of <c>buffers.Sequences</c>: the layouts are checked against the buffers from it, since the device copy
/// cannot be read without waiting for the device.
/// </param>
/// <typeparam name="TElement">The element type of the queries, keys, values and output, as the device holds it.</typeparam>
public delegate void SequenceLaunch<TElement>(AcceleratorStream stream, SequenceBuffers<TElement> buffers, SequenceGeometry geometry, ReadOnlySpan<SequenceLayout> sequences)
    where TElement : unmanaged;
