using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emitting;

/// <summary>
/// Emits a spec's FlashAttention-2-style forward kernel and its host API. The window, head size and tile sizes
/// are constants; the key tiles a query tile visits come from <c>KeyTilePlan</c>, and only tiles that cross a
/// window edge evaluate the per-element mask (<c>IsVisible</c>, its own unit below).
/// </summary>
internal static class KernelEmitter
{
    private const string View = "global::ILGPU.ArrayView<float>";
    private const string XMath = "global::ILGPU.Algorithms.XMath";

    public static string Emit(KernelSpec spec)
    {
        var writer = new SourceWriter();
        using (TypeShell.Open(writer, spec, System.Array.Empty<string>()))
        {
            WriteConstants(writer, spec);
            writer.WriteLine();
            ForwardApiEmitter.Write(writer, spec);
            writer.WriteLine();
            WriteMask(writer, spec);
            writer.WriteLine();
            WriteKernel(writer, spec);
        }

        return writer.ToString();
    }

    /// <summary>The struct that hands the spec's bounds to the kernel as constants.</summary>
    public const string BakedWindow = "BakedWindow";

    /// <summary>The kernel's parameter list after the stream and launch configuration, for a window struct type.</summary>
    public static string[] KernelParameterTypes(KernelSpec spec, string windowType) =>
        (spec.Sinks ? Enumerable.Repeat(View, 6) : Enumerable.Repeat(View, 5))
            .Append("global::KernelGen.AttentionKernelArguments")
            .Append(windowType)
            .ToArray();

    private static void WriteConstants(SourceWriter writer, KernelSpec spec)
    {
        var tiles = spec.Tiles;
        writer.WriteLine($"""
            /// <summary>Query rows per tile (one group per query tile, head and batch).</summary>
            public const int QueryTileSize = {tiles.QueryTileSize};

            /// <summary>Keys per tile staged in shared memory.</summary>
            public const int KeyTileSize = {tiles.KeyTileSize};

            /// <summary>The factor applied to <c>q·k</c>.</summary>
            public const float SoftmaxScale = {Float(spec.SoftmaxScale)};
            """);
        if (spec.LogitSoftCap > 0)
        {
            writer.WriteLine($"""

                /// <summary>Scores become <c>LogitSoftCap * tanh(score / LogitSoftCap)</c> before masking.</summary>
                public const float LogitSoftCap = {Float(spec.LogitSoftCap)};
                """);
        }

        writer.WriteLine($"""

            /// <summary>Shared memory per group: Q, K and V tiles and the score tile, in fp32 ({tiles.SharedMemoryBytes} bytes; CUDA allows 49152).</summary>
            public const int SharedMemoryBytes = {tiles.SharedMemoryBytes};

            // Each query row is served by ThreadsPerRow threads; each holds HeadDimPerThread output accumulators in registers.
            private const int HeadDimPerThread = {TileLayout.HeadDimPerThread};
            private const int ThreadsPerRow = {tiles.ThreadsPerRow};
            private const int ThreadsPerGroup = {tiles.ThreadsPerGroup};
            """);
    }

    private static void WriteMask(SourceWriter writer, KernelSpec spec)
    {
        var window = spec.Window;
        writer.WriteLine($$"""
            /// <summary>
            /// The spec's window as constants. The kernel takes its bounds as a type argument: this struct folds them into
            /// the compiled kernel, and <c>RuntimeWindowBounds</c> passes them at run time instead, with the same kernel body.
            /// </summary>
            internal readonly struct {{BakedWindow}} : global::KernelGen.IWindowBounds
            {
                public bool HasLeftBound => {{spec.ClassName}}.HasLeftBound;

                public long Left => {{(window.Left.HasValue ? "WindowLeft" : "0")}};

                public bool HasRightBound => {{spec.ClassName}}.HasRightBound;

                public long Right => {{(window.Right.HasValue ? "WindowRight" : "0")}};
            }

            /// <summary>
            /// The per-element mask: whether <paramref name="key"/> is visible to <paramref name="query"/>. Only key tiles
            /// that cross a window edge, or the end of the keys, evaluate it.
            /// </summary>
            [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
            private static bool IsVisible<TWindow>(TWindow window, long query, long key, long diagonalOffset, int seqK)
                where TWindow : struct, global::KernelGen.IWindowBounds =>
                key < seqK
                && (!window.HasLeftBound || key >= query + diagonalOffset - window.Left)
                && (!window.HasRightBound || key <= query + diagonalOffset + window.Right);
            """);
    }

    private static void WriteKernel(SourceWriter writer, KernelSpec spec)
    {
        var accumulators = Enumerable.Range(0, TileLayout.HeadDimPerThread).Select(i => $"out{i}").ToList();
        var sinkParameter = spec.Sinks ? $"\n    {View} sinkLogits," : string.Empty;
        writer.WriteLine($$"""
            /// <summary>
            /// One group computes one tile of queries for one head of one sequence: it stages Q, then each visited
            /// K/V tile, in shared memory and keeps a running (online) softmax per row.
            /// </summary>
            private static void TiledForwardKernel<TWindow>(
                {{View}} q,
                {{View}} k,
                {{View}} v,{{sinkParameter}}
                {{View}} output,
                {{View}} logSumExp,
                global::KernelGen.AttentionKernelArguments arguments,
                TWindow window)
                where TWindow : struct, global::KernelGen.IWindowBounds
            {
                var queryTile = global::ILGPU.SharedMemory.Allocate<float>(QueryTileSize * HeadDim);
                var keyTile = global::ILGPU.SharedMemory.Allocate<float>(KeyTileSize * HeadDim);
                var valueTile = global::ILGPU.SharedMemory.Allocate<float>(KeyTileSize * HeadDim);
                var scores = global::ILGPU.SharedMemory.Allocate<float>(QueryTileSize * KeyTileSize);

                int thread = global::ILGPU.Group.IdxX;
                int row = thread / ThreadsPerRow;
                int firstDim = (thread % ThreadsPerRow) * HeadDimPerThread;
                int queryStart = global::ILGPU.Grid.IdxX * QueryTileSize;
                int head = global::ILGPU.Grid.IdxY;
                int batch = global::ILGPU.Grid.IdxZ;
                int kvHead = head / arguments.HeadsPerKvHead;
                int queryEnd = queryStart + QueryTileSize < arguments.SeqQ ? queryStart + QueryTileSize : arguments.SeqQ;
                long query = queryStart + row;

                // Stage this tile's query rows; rows past the last query are zero and never written back.
                for (int index = thread; index < QueryTileSize * HeadDim; index += ThreadsPerGroup)
                {
                    long tileQuery = queryStart + (index / HeadDim);
                    queryTile[index] = tileQuery < arguments.SeqQ ? q[arguments.QueryRow(batch, tileQuery, head, HeadDim) + (index % HeadDim)] : 0f;
                }

                // Key tiles wholly outside the window are never visited; the loop bounds are the same for the whole group.
                var plan = global::KernelGen.KeyTilePlan.ForQueryTile(
                    queryStart, queryEnd, arguments.DiagonalOffset,
                    window.HasLeftBound, window.Left, window.HasRightBound, window.Right,
                    arguments.SeqK, KeyTileSize);

                // Start the running max at -inf and shift by 0 while it stays there, so exp() never sees -inf - -inf.
                float runningMax = float.NegativeInfinity;
                float runningSum = 0f;
                {{string.Join("\n    ", accumulators.Select(a => $"float {a} = 0f;"))}}

                for (int tile = plan.FirstTile; tile < plan.EndTile; tile++)
                {
                    int keyStart = tile * KeyTileSize;
                    for (int index = thread; index < KeyTileSize * HeadDim; index += ThreadsPerGroup)
                    {
                        long key = keyStart + (index / HeadDim);
                        bool isKey = key < arguments.SeqK;
                        long source = arguments.KeyRow(batch, key, kvHead, HeadDim) + (index % HeadDim);
                        keyTile[index] = isKey ? k[source] : 0f;
                        valueTile[index] = isKey ? v[source] : 0f;
                    }

                    global::ILGPU.Group.Barrier();

                    // Scores: the row's threads share its columns. Interior tiles skip the mask entirely.
                    bool masked = plan.NeedsMask(tile);
                    for (int column = thread % ThreadsPerRow; column < KeyTileSize; column += ThreadsPerRow)
                    {
                        float dot = 0f;
                        for (int dim = 0; dim < HeadDim; dim++)
                        {
                            dot += queryTile[(row * HeadDim) + dim] * keyTile[(column * HeadDim) + dim];
                        }

                        float score = dot * SoftmaxScale;{{SoftCap(spec)}}

                        // A hidden key's score is replaced, never combined with anything: its key may hold NaN or inf.
                        if (masked && !IsVisible(window, query, keyStart + column, arguments.DiagonalOffset, arguments.SeqK))
                        {
                            score = float.NegativeInfinity;
                        }

                        scores[(row * KeyTileSize) + column] = score;
                    }

                    global::ILGPU.Group.Barrier();

                    // Online softmax: every thread of a row repeats the row's statistics, so none has to share them.
                    float tileMax = float.NegativeInfinity;
                    for (int column = 0; column < KeyTileSize; column++)
                    {
                        float score = scores[(row * KeyTileSize) + column];
                        tileMax = score > tileMax ? score : tileMax;
                    }

                    float newMax = runningMax > tileMax ? runningMax : tileMax;
                    float shift = newMax == float.NegativeInfinity ? 0f : newMax;
                    float correction = {{XMath}}.Exp(runningMax - shift);
                    runningSum *= correction;
                    {{string.Join("\n        ", accumulators.Select(a => $"{a} *= correction;"))}}
                    for (int column = 0; column < KeyTileSize; column++)
                    {
                        // A hidden key adds exactly nothing. Its weight is 0, but 0 * NaN and 0 * inf are NaN, and the
                        // window promises that a hidden key's value never reaches the output, whatever it holds.
                        if (masked && !IsVisible(window, query, keyStart + column, arguments.DiagonalOffset, arguments.SeqK))
                        {
                            continue;
                        }

                        float weight = {{XMath}}.Exp(scores[(row * KeyTileSize) + column] - shift);
                        runningSum += weight;
                        int valueRow = (column * HeadDim) + firstDim;
                        {{string.Join("\n            ", accumulators.Select((a, i) => $"{a} += weight * valueTile[valueRow + {i}];"))}}
                    }

                    runningMax = newMax;

                    // The next tile overwrites K, V and the scores.
                    global::ILGPU.Group.Barrier();
                }
            {{Sinks(spec, accumulators)}}
                if (query < queryEnd)
                {
                    // A row that saw no key has a zero sum: it writes zeros, and a log-sum-exp of -inf.
                    float normalizer = runningSum > 0f ? 1f / runningSum : 0f;
                    long target = arguments.QueryRow(batch, query, head, HeadDim) + firstDim;
                    {{string.Join("\n        ", accumulators.Select((a, i) => $"output[target + {i}] = {a} * normalizer;"))}}
                    if (firstDim == 0 && arguments.WritesLogSumExp != 0)
                    {
                        logSumExp[arguments.LogSumExpIndex(batch, head, query)] = runningSum > 0f ? runningMax + {{XMath}}.Log(runningSum) : float.NegativeInfinity;
                    }
                }
            }
            """);
    }

    private static string SoftCap(KernelSpec spec) => spec.LogitSoftCap > 0
        ? $"\n            score = LogitSoftCap * {XMath}.Tanh(score / LogitSoftCap);"
        : string.Empty;

    private static string Sinks(KernelSpec spec, List<string> accumulators) => !spec.Sinks ? string.Empty : $$"""

            // The head's sink logit joins the denominator with no value vector (gpt-oss).
            float sink = sinkLogits[head];
            float withSink = runningMax > sink ? runningMax : sink;
            float sinkShift = withSink == float.NegativeInfinity ? 0f : withSink;
            float rescale = {{XMath}}.Exp(runningMax - sinkShift);
            runningSum = (runningSum * rescale) + {{XMath}}.Exp(sink - sinkShift);
            {{string.Join("\n    ", accumulators.Select(a => $"{a} *= rescale;"))}}
            runningMax = withSink;

        """;

    private static string Float(float value) => value.ToString("R", CultureInfo.InvariantCulture) + "f";

}
