using ILGPU;
using ILGPU.Runtime;

namespace KernelGen;

/// <summary>
/// A spec's compiled ILGPU attention kernel (its generated <c>TiledForwardKernel</c>), as <see cref="AttentionLauncher"/>
/// queues it: every call, dense, packed or from a cache, and tiled or split, runs this one kernel body.
/// </summary>
/// <param name="stream">The stream to queue on.</param>
/// <param name="config">The grid, from <see cref="AttentionSchedule.Grid"/>.</param>
/// <param name="q">Queries.</param>
/// <param name="k">Keys.</param>
/// <param name="v">Values.</param>
/// <param name="sinkLogits">One sink logit per head, or empty.</param>
/// <param name="output">The output, written when the keys are not split.</param>
/// <param name="logSumExp">The log-sum-exp, or empty.</param>
/// <param name="sequences">The layouts, or empty for a dense call (the kernel computes them).</param>
/// <param name="partials">The parts' partial results when the keys are split, else empty.</param>
/// <param name="geometry">The sizes and strides.</param>
/// <param name="schedule">How the call is cut into groups.</param>
/// <param name="constants">The spec's constants.</param>
/// <param name="window">The window bounds.</param>
/// <typeparam name="TConstants">The spec's constants.</typeparam>
/// <typeparam name="TWindow">The window bounds' type.</typeparam>
/// <typeparam name="TElement">The element type of <paramref name="q"/>, <paramref name="k"/>, <paramref name="v"/> and <paramref name="output"/>.</typeparam>
public delegate void TiledAttentionKernel<TConstants, TWindow, TElement>(
    AcceleratorStream stream, KernelConfig config,
    ArrayView<TElement> q, ArrayView<TElement> k, ArrayView<TElement> v, ArrayView<float> sinkLogits, ArrayView<TElement> output, ArrayView<float> logSumExp,
    ArrayView<SequenceLayout> sequences, ArrayView<float> partials, SequenceGeometry geometry, AttentionSchedule schedule,
    TConstants constants, TWindow window)
    where TConstants : struct, IKernelConstants
    where TWindow : struct, IWindowBounds
    where TElement : unmanaged;
