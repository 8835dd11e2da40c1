using System;
using System.Buffers;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace KernelGen;

/// <summary>
/// The CPU attention kernel every spec's <c>ForwardCpu</c> runs: SIMD (<see cref="System.Numerics.Vector{T}"/>, so
/// 256-bit with FMA on AVX2, 128-bit on SSE or Arm64), multi-threaded, and specialised to the spec's constants
/// through its type arguments.
/// </summary>
/// <remarks>
/// Work is cut into <see cref="QueryBlock"/>s of (batch, key/value head, block of queries): the query heads that
/// share a key/value head are served together, so each key and value row is read once per group. The cut depends
/// only on the shape, and each output row is computed by one block in a fixed order, so results are
/// bit-identical whatever the thread count.
/// </remarks>
public static unsafe class CpuAttention
{
    /// <summary>Keys per tile: the unit in which the kernel skips key ranges outside the window.</summary>
    public const int KeyTileSize = QueryBlock.KeyTileSize;

    /// <summary>(query, head) rows per block, when a key/value head serves at most this many query heads.</summary>
    public const int QueryRowsPerBlock = QueryBlock.TargetRows;

    /// <summary>
    /// Runs attention on host memory with the constants of <typeparamref name="TConstants"/> and the window bounds of
    /// <typeparamref name="TWindow"/> (a spec's baked structs, or <see cref="RuntimeWindowBounds"/>).
    /// </summary>
    /// <param name="constants">The spec's sizes and score steps.</param>
    /// <param name="window">The window bounds.</param>
    /// <param name="alignment">Where the window's diagonal sits.</param>
    /// <param name="q">Queries, <c>[batch, seqQ, heads, HeadDim]</c>.</param>
    /// <param name="k">Keys, <c>[batch, seqK, kvHeads, HeadDim]</c>.</param>
    /// <param name="v">Values, <c>[batch, seqK, kvHeads, HeadDim]</c>.</param>
    /// <param name="sinkLogits">One sink logit per head, or empty for kernels without sinks.</param>
    /// <param name="output">Receives the output, shaped like <paramref name="q"/>.</param>
    /// <param name="logSumExp">Receives the log-sum-exp, <c>[batch, heads, seqQ]</c>, or empty when not wanted.</param>
    /// <param name="shape">The sizes; every length is checked against them first.</param>
    /// <param name="writesLogSumExp">Whether <paramref name="logSumExp"/> is wanted.</param>
    /// <param name="options">Threads to use; <see langword="null"/> for <see cref="CpuAttentionOptions.Default"/>.</param>
    public static void Forward<TConstants, TWindow, TElement>(
        TConstants constants, TWindow window, WindowAlignment alignment,
        ReadOnlySpan<TElement> q, ReadOnlySpan<TElement> k, ReadOnlySpan<TElement> v, ReadOnlySpan<float> sinkLogits,
        Span<TElement> output, Span<float> logSumExp, AttentionShape shape, bool writesLogSumExp, CpuAttentionOptions? options)
        where TConstants : struct, IKernelConstants
        where TWindow : struct, IWindowBounds
        where TElement : unmanaged
    {
        AttentionInputs.ValidateHeadDim(constants.HeadDim);
        AttentionInputs.Validate(q.Length, k.Length, v.Length, sinkLogits.Length, output.Length, logSumExp.Length,
            shape, constants.HeadDim, constants.HasSinks, writesLogSumExp);
        ValidateWindow(window, alignment);
        var diagonalOffset = SequenceLayout.DiagonalOffsetFor(alignment, shape.SeqQ, shape.SeqK);
        var geometry = SequenceGeometry.Dense(shape, constants.HeadDim, writesLogSumExp);
        var sequences = new SequenceLayout[shape.Batch];
        for (int batch = 0; batch < sequences.Length; batch++)
        {
            sequences[batch] = geometry.DenseSequence(batch, diagonalOffset);
        }

        Run(constants, window, q, k, v, sinkLogits, output, logSumExp, geometry, sequences, options);
    }

    /// <summary>
    /// Runs attention on host memory over sequences laid out as <paramref name="geometry"/> and
    /// <paramref name="sequences"/> say: a packed variable-length batch (<see cref="PackedBatch"/>) or a KV cache, each
    /// sequence with its own lengths and diagonal. Every sequence's rows are checked against the buffers first.
    /// </summary>
    /// <param name="constants">The spec's sizes and score steps.</param>
    /// <param name="window">The window bounds.</param>
    /// <param name="q">Queries, <c>[tokens, heads, HeadDim]</c>.</param>
    /// <param name="k">Keys, laid out by <paramref name="geometry"/>'s strides.</param>
    /// <param name="v">Values, laid out like <paramref name="k"/>.</param>
    /// <param name="sinkLogits">One sink logit per head, or empty for kernels without sinks.</param>
    /// <param name="output">Receives the output, shaped like <paramref name="q"/>.</param>
    /// <param name="logSumExp">Receives the log-sum-exp, or empty when <paramref name="geometry"/> says it is not wanted.</param>
    /// <param name="geometry">The strides every sequence shares.</param>
    /// <param name="sequences">One layout per sequence.</param>
    /// <param name="options">Threads to use; <see langword="null"/> for <see cref="CpuAttentionOptions.Default"/>.</param>
    public static void ForwardSequences<TConstants, TWindow, TElement>(
        TConstants constants, TWindow window,
        ReadOnlySpan<TElement> q, ReadOnlySpan<TElement> k, ReadOnlySpan<TElement> v, ReadOnlySpan<float> sinkLogits,
        Span<TElement> output, Span<float> logSumExp, SequenceGeometry geometry, ReadOnlySpan<SequenceLayout> sequences, CpuAttentionOptions? options)
        where TConstants : struct, IKernelConstants
        where TWindow : struct, IWindowBounds
        where TElement : unmanaged
    {
        AttentionInputs.ValidateHeadDim(constants.HeadDim);
        ValidateWindow(window, WindowAlignment.BottomRight);
        SequenceInputs.Validate(q.Length, k.Length, v.Length, sinkLogits.Length, output.Length, logSumExp.Length,
            geometry, sequences, window, constants.HeadDim, constants.HasSinks);
        Run(constants, window, q, k, v, sinkLogits, output, logSumExp, geometry, sequences.ToArray(), options);
    }

    // Interim: 16-bit elements are widened whole, run in fp32 and rounded back (the kernel widening tile by tile replaces this).
    private static void Run<TConstants, TWindow, TElement>(
        TConstants constants, TWindow window,
        ReadOnlySpan<TElement> q, ReadOnlySpan<TElement> k, ReadOnlySpan<TElement> v, ReadOnlySpan<float> sinkLogits,
        Span<TElement> output, Span<float> logSumExp, SequenceGeometry geometry, SequenceLayout[] sequences, CpuAttentionOptions? options)
        where TConstants : struct, IKernelConstants
        where TWindow : struct, IWindowBounds
        where TElement : unmanaged
    {
        if (typeof(TElement) == typeof(float))
        {
            Run(constants, window, MemoryMarshal.Cast<TElement, float>(q), MemoryMarshal.Cast<TElement, float>(k), MemoryMarshal.Cast<TElement, float>(v),
                sinkLogits, MemoryMarshal.Cast<TElement, float>(output), logSumExp, geometry, sequences, options);
            return;
        }

        var wideOutput = new float[output.Length];
        Run(constants, window, Widened(q), Widened(k), Widened(v), sinkLogits, wideOutput, logSumExp, geometry, sequences, options);
        ElementSpans.Narrow<TElement>(wideOutput, output);

        static float[] Widened(ReadOnlySpan<TElement> source)
        {
            var wide = new float[source.Length];
            ElementSpans.Widen(source, wide);
            return wide;
        }
    }

    private static void Run<TConstants, TWindow>(
        TConstants constants, TWindow window,
        ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> sinkLogits,
        Span<float> output, Span<float> logSumExp, SequenceGeometry geometry, SequenceLayout[] sequences, CpuAttentionOptions? options)
        where TConstants : struct, IKernelConstants
        where TWindow : struct, IWindowBounds
    {
        options ??= CpuAttentionOptions.Default;
        fixed (float* query = q, key = k, value = v, sinks = sinkLogits, result = output, rowLogSumExp = logSumExp)
        {
            var call = new QueryBlock.Call(query, key, value, sinks, result, geometry.WritesLogSumExp != 0 ? rowLogSumExp : null, geometry, sequences);
            var job = new Job<TConstants, TWindow>(call, constants, window);
            var threads = (int)Math.Min(options.ThreadCount, call.BlockCount);
            if (threads <= 1)
            {
                var scratch = job.Rent();
                for (long block = 0; block < call.BlockCount; block++)
                {
                    job.Run(block, scratch);
                }

                ArrayPool<float>.Shared.Return(scratch);
            }
            else
            {
                Parallel.For(0, call.BlockCount, new ParallelOptions { MaxDegreeOfParallelism = threads },
                    job.Rent, (block, _, scratch) => job.Run(block, scratch), scratch => ArrayPool<float>.Shared.Return(scratch));
            }
        }
    }

    // The kernel's arithmetic is exact for bounds within int (as AttentionWindow's are), and it needs a real diagonal.
    private static void ValidateWindow<TWindow>(TWindow window, WindowAlignment alignment)
        where TWindow : struct, IWindowBounds
    {
        if ((window.HasLeftBound && window.Left is < int.MinValue or > int.MaxValue)
            || (window.HasRightBound && window.Right is < int.MinValue or > int.MaxValue))
        {
            throw new ArgumentOutOfRangeException(nameof(window), $"Window bounds must fit in int (left {window.Left}, right {window.Right}); leave a side unbounded instead of passing a huge bound.");
        }

        if (alignment is not (WindowAlignment.BottomRight or WindowAlignment.TopLeft))
        {
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, "Use WindowAlignment.BottomRight or WindowAlignment.TopLeft.");
        }
    }

    // What the worker threads share; each rents its own scratch once per call.
    private sealed class Job<TConstants, TWindow>
        where TConstants : struct, IKernelConstants
        where TWindow : struct, IWindowBounds
    {
        private readonly QueryBlock.Call _call;
        private readonly TConstants _constants;
        private readonly TWindow _window;
        private readonly int _scratchLength;

        public Job(QueryBlock.Call call, TConstants constants, TWindow window)
        {
            _call = call;
            _constants = constants;
            _window = window;
            _scratchLength = call.ScratchLength(constants.HeadDim);
        }

        public float[] Rent() => ArrayPool<float>.Shared.Rent(_scratchLength);

        public float[] Run(long block, float[] scratch)
        {
            QueryBlock.Run(_call, _constants, _window, block, scratch);
            return scratch;
        }
    }
}
