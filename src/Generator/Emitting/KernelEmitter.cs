using System;
using System.Globalization;
using System.Linq;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emitting;

/// <summary>
/// Emits a spec's FlashAttention-2-style forward kernel and its host API. The window, head size, tile sizes and register
/// blocks are constants; the key tiles a query tile visits come from <c>KeyTilePlan</c>, and only tiles that cross a
/// window edge evaluate the per-element mask (<c>WindowMask.IsVisible</c>, its own unit in the runtime, which the CPU kernel
/// runs too).
/// </summary>
/// <remarks>
/// ILGPU 1.5.3 does not unroll loops, and a per-thread array indexed by a loop variable lives in slow local memory, so the
/// register blocks are written out here: one scalar local per score and per output element, one line per block row.
/// </remarks>
internal static class KernelEmitter
{
    private const string View = "global::ILGPU.ArrayView<float>";
    private const string Geometry = "global::KernelGen.SequenceGeometry";
    private const string Layout = "global::KernelGen.SequenceLayout";
    private const string Schedule = "global::KernelGen.AttentionSchedule";
    private const string XMath = "global::ILGPU.Algorithms.XMath";
    private const string Inline = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]";

    /// <summary>Elements each thread loads before it stores any of them when staging a tile.</summary>
    private const int StagingUnroll = 8;

    public static string Emit(KernelSpec spec)
    {
        var writer = new SourceWriter();
        using (TypeShell.Open(writer, spec, System.Array.Empty<string>()))
        {
            WriteConstants(writer, spec);
            writer.WriteLine();
            ForwardApiEmitter.Write(writer, spec);
            writer.WriteLine();
            WriteBakedWindow(writer, spec);
            writer.WriteLine();
            WriteTileElements(writer, spec);
            WriteElementConversions(writer, spec);
            writer.WriteLine();
            WriteKernel(writer, spec);
        }

        return writer.ToString();
    }

    /// <summary>The struct that hands the spec's bounds to the kernels as constants.</summary>
    public const string BakedWindow = "BakedWindow";

    /// <summary>The struct that hands the spec's sizes and score steps to the kernels as constants.</summary>
    public const string BakedConstants = "BakedConstants";

    /// <summary>
    /// The kernel's parameter list after the stream and launch configuration, for a window struct type (the order of the
    /// runtime's <c>TiledAttentionKernel</c>). Every kernel takes <c>sinkLogits</c> (an empty view for specs without sinks,
    /// never read: the sinks hook folds away).
    /// </summary>
    public static string[] KernelParameterTypes(string windowType, string element) =>
        new[] { ElementView(element), ElementView(element), ElementView(element), View, ElementView(element), View }
            .Append($"global::ILGPU.ArrayView<{Layout}>")
            .Append(View)
            .Append(Geometry)
            .Append(Schedule)
            .Append(BakedConstants)
            .Append(windowType)
            .ToArray();

    private static string ElementView(string element) => $"global::ILGPU.ArrayView<{element}>";

    /// <summary>An element loaded from Q, K or V, as fp32.</summary>
    private static string Widen(KernelSpec spec, string load) => spec.Element == AttentionElement.Float32 ? load : $"WidenElement({load})";

    /// <summary>An fp32 result stored as an output element.</summary>
    private static string Narrow(KernelSpec spec, string value) => spec.Element == AttentionElement.Float32 ? value : $"NarrowElement({value})";

    private static string ElementDocumentation(AttentionElement element) => element switch
    {
        AttentionElement.Float16 => "Q, K, V and the output are fp16 (<see cref=\"global::System.Half\"/> in host spans, <see cref=\"global::ILGPU.Half\"/> in device views), widened exactly to fp32 when loaded; scores, softmax and accumulation are fp32, and each output is rounded to nearest even.",
        AttentionElement.BFloat16 => "Q, K, V and the output are bf16 (<see cref=\"global::KernelGen.BFloat16\"/>), widened exactly to fp32 when loaded; scores, softmax and accumulation are fp32, and each output is rounded to nearest even.",
        _ => "Q, K, V and the output are fp32.",
    };

    private static void WriteConstants(SourceWriter writer, KernelSpec spec)
    {
        var tiles = spec.Tiles;
        writer.WriteLine($"""
            /// <summary>Rows per tile: queries of one head, or (query, head) pairs of the heads that share a key/value head when decoding.</summary>
            public const int QueryTileSize = {tiles.QueryTileSize};

            /// <summary>Keys per tile staged in shared memory.</summary>
            public const int KeyTileSize = {tiles.KeyTileSize};

            /// <summary>The factor applied to <c>q·k</c>.</summary>
            public const float SoftmaxScale = {CSharpLiteral.Of(spec.SoftmaxScale)};

            /// <summary>{ElementDocumentation(spec.Element)}</summary>
            public const global::KernelGen.AttentionElement Element = global::KernelGen.AttentionElement.{spec.Element};
            """);
        if (spec.LogitSoftCap > 0)
        {
            writer.WriteLine($"""

                /// <summary>Scores become <c>LogitSoftCap * tanh(score / LogitSoftCap)</c> before masking.</summary>
                public const float LogitSoftCap = {CSharpLiteral.Of(spec.LogitSoftCap)};
                """);
        }

        writer.WriteLine($"""

            /// <summary>Shared memory per group: Q, K and V tiles, partial score tiles and row statistics, in fp32 ({tiles.SharedMemoryBytes} bytes; CUDA allows 49152).</summary>
            public const int SharedMemoryBytes = {tiles.SharedMemoryBytes};

            // Register blocking. Each thread owns a RowsPerThread x DimsPerThread block of the output in registers and computes
            // RowsPerThread x KeysPerThread blocks of scores, so that every value it loads from shared memory feeds several
            // multiply-adds (8 x 8 blocks: 4 per element loaded). A thread's rows, keys and dimensions are interleaved
            // (row rowGroup + r * RowGroups), so that neighbouring threads read neighbouring addresses.
            private const int RowsPerThread = {tiles.RowsPerThread};
            private const int KeysPerThread = {tiles.KeysPerThread};
            private const int DimsPerThread = {TileLayout.DimsPerThread};
            private const int RowGroups = QueryTileSize / RowsPerThread;
            private const int KeyGroups = KeyTileSize / KeysPerThread;
            private const int DimGroups = HeadDim / DimsPerThread;
            private const int ThreadsPerGroup = RowGroups * DimGroups;

            // The score phase has RowGroups * KeyGroups blocks. Each is split along the head dimension into DimSplits partial dot
            // products, so that the phase has about as many items as there are threads; the row statistics add the partials.
            private const int DimSplits = {tiles.DimSplits};
            private const int DimsPerSplit = HeadDim / DimSplits;
            private const int ScoreItems = RowGroups * KeyGroups * DimSplits;

            // Q and K rows are padded by one float, so that threads reading different rows at one dimension hit different banks.
            private const int PaddedRow = HeadDim + 1;

            // Staging a tile, each thread issues StagingUnroll loads before it stores any: loads in flight together hide latency.
            private const int StagingUnroll = {StagingUnroll};
            """);
    }

    private static void WriteBakedWindow(SourceWriter writer, KernelSpec spec)
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

                public long ChunkSize => {{(window.ChunkSize.HasValue ? spec.ClassName + ".ChunkSize" : "0")}};

                public long SinkTokens => {{(window.SinkTokens > 0 ? spec.ClassName + ".SinkTokens" : "0")}};
            }

            /// <summary>
            /// The spec's sizes and score steps as constants, for both kernels: they take them as a type argument and test
            /// each step at a fixed hook (scale, soft cap, mask, sinks), so a step the spec does not use compiles away.
            /// </summary>
            internal readonly struct {{BakedConstants}} : global::KernelGen.IKernelConstants
            {
                public int HeadDim => {{spec.ClassName}}.HeadDim;

                public float SoftmaxScale => {{spec.ClassName}}.SoftmaxScale;

                public bool HasLogitSoftCap => {{CSharpLiteral.Of(spec.LogitSoftCap > 0)}};

                public float LogitSoftCap => {{(spec.LogitSoftCap > 0 ? spec.ClassName + ".LogitSoftCap" : "0f")}};

                public bool HasSinks => {{CSharpLiteral.Of(spec.Sinks)}};
            }
            """);
    }

    private static void WriteTileElements(SourceWriter writer, KernelSpec spec) => writer.WriteLine($$"""
        /// <summary>Element <paramref name="index"/> of the query tile whose rows start at <paramref name="tileStart"/>, row-major, as fp32; zero past the sequence's last query.</summary>
        {{Inline}}
        private static float QueryTileElement({{ElementView(ElementTypes.Device(spec.Element))}} q, {{Geometry}} geometry, {{Layout}} sequence, {{Schedule}} schedule, int firstHead, int tileStart, int index)
        {
            int row = index / HeadDim;
            int query = schedule.RowQuery(tileStart, row);
            return query < sequence.QueryCount ? {{Widen(spec, "q[geometry.QueryRow(sequence, query, schedule.RowHead(firstHead, tileStart, row)) + (index % HeadDim)]")}} : 0f;
        }

        /// <summary>
        /// Element <paramref name="index"/> of the key (or value) tile starting at key position <paramref name="keyStart"/>,
        /// row-major, as fp32; zero past the sequence's last key. Callers pass <paramref name="ring"/> as a constant, under a
        /// branch on the geometry: a ring's slot is a remainder, which the flat path must not pay for.
        /// </summary>
        {{Inline}}
        private static float KeyTileElement({{ElementView(ElementTypes.Device(spec.Element))}} source, {{Geometry}} geometry, {{Layout}} sequence, int kvHead, int keyStart, int index, bool ring)
        {
            int key = keyStart + (index / HeadDim);
            long row = ring ? geometry.KeyRow(sequence, key, kvHead) : geometry.SlotRow(sequence, key, kvHead);
            return key < sequence.KeyCount ? {{Widen(spec, "source[row + (index % HeadDim)]")}} : 0f;
        }

        /// <summary>Where element <paramref name="index"/> of a row-major tile lands in a tile whose rows are padded by one float.</summary>
        {{Inline}}
        private static int PaddedIndex(int index) => index + (index / HeadDim);
        """);

    /// <summary>For 16-bit specs, the two conversions the kernel makes, through the runtime's format struct.</summary>
    private static void WriteElementConversions(SourceWriter writer, KernelSpec spec)
    {
        if (spec.Element == AttentionElement.Float32)
        {
            return;
        }

        var device = ElementTypes.Device(spec.Element);
        var format = ElementTypes.Format(spec.Element);
        var name = ElementTypes.Description(spec.Element);
        writer.WriteLine($$"""

            /// <summary>An {{name}} element of Q, K or V as fp32: exact, every {{name}} value is an fp32 value.</summary>
            {{Inline}}
            private static float WidenElement({{device}} element) => default({{format}}).Widen(element);

            /// <summary>An fp32 output rounded to {{name}}, to nearest even (the same bits on a GPU and on ILGPU's CPU accelerator).</summary>
            {{Inline}}
            private static {{device}} NarrowElement(float value) => default({{format}}).Narrow(value);
            """);
    }

    private static void WriteKernel(SourceWriter writer, KernelSpec spec)
    {
        var tiles = spec.Tiles;
        var rows = tiles.RowsPerThread;
        var keys = tiles.KeysPerThread;
        const int dims = TileLayout.DimsPerThread;

        var element = ElementView(ElementTypes.Device(spec.Element));
        var signature = $$"""
            /// <summary>
            /// One group computes one tile of rows of one sequence: queries of one head, or when decoding, (query, head) pairs of
            /// the heads that share a key/value head, and when the keys are split, for its share of the key tiles only (see
            /// <c>AttentionSchedule</c>). It stages Q once; then, for each key tile the window reaches: (1) stage K; (2) partial
            /// dot products, one block of scores per item; (3) each row's owner completes its scores and runs the online softmax
            /// once for the row, while V is staged; (4) every thread rescales its output block and adds P·V. Three barriers per
            /// tile: the next tile's K is staged during this tile's P·V, which reads V and the probabilities, not K.
            /// </summary>
            private static void TiledForwardKernel<TConstants, TWindow>(
                {{element}} q,
                {{element}} k,
                {{element}} v,
                {{View}} sinkLogits,
                {{element}} output,
                {{View}} logSumExp,
                global::ILGPU.ArrayView<{{Layout}}> sequences,
                {{View}} partials,
                {{Geometry}} geometry,
                {{Schedule}} schedule,
                TConstants constants,
                TWindow window)
                where TConstants : struct, global::KernelGen.IKernelConstants
                where TWindow : struct, global::KernelGen.IWindowBounds
            """;
        using (writer.Block(signature))
        {
            writer.WriteLine($$"""
                // Shared memory, allocated in this order: Q, K, V, scores (the PTX tests name the loops by what they read).
                var queryTile = global::ILGPU.SharedMemory.Allocate<float>(QueryTileSize * PaddedRow);
                var keyTile = global::ILGPU.SharedMemory.Allocate<float>(KeyTileSize * PaddedRow);
                var valueTile = global::ILGPU.SharedMemory.Allocate<float>(KeyTileSize * HeadDim);

                // [split][key][row]: partial dot products; split 0 then holds the tile's scores, then its probabilities.
                var scoreTile = global::ILGPU.SharedMemory.Allocate<float>(DimSplits * KeyTileSize * QueryTileSize);

                // Each row's running max and sum, kept by the row's owner; and the factor by which this tile rescales the row's outputs.
                var rowMax = global::ILGPU.SharedMemory.Allocate<float>(QueryTileSize);
                var rowSum = global::ILGPU.SharedMemory.Allocate<float>(QueryTileSize);
                var rowRescale = global::ILGPU.SharedMemory.Allocate<float>(QueryTileSize);

                // The grid: x = row tile and split, y = query head (or key/value head when decoding), z = sequence. A dense call
                // passes no layouts: the schedule computes them.
                int thread = global::ILGPU.Group.IdxX;
                int split = schedule.Split(global::ILGPU.Grid.IdxX);
                int tileStart = schedule.TileStart(global::ILGPU.Grid.IdxX, QueryTileSize);
                int firstHead = schedule.FirstHead(global::ILGPU.Grid.IdxY);
                int kvHead = firstHead / geometry.HeadsPerKvHead;
                int sequenceIndex = global::ILGPU.Grid.IdxZ;
                var sequence = schedule.Sequence(sequences, geometry, sequenceIndex);

                // The tile's rows hold queries queryStart .. queryEnd - 1 of the sequence.
                int queryStart = schedule.RowQuery(tileStart, 0);
                int lastQuery = schedule.RowQuery(tileStart, QueryTileSize - 1);
                int queryEnd = lastQuery < sequence.QueryCount ? lastQuery + 1 : sequence.QueryCount;

                // This thread's output block: rows rowGroup + r * RowGroups and dimensions dimGroup + d * DimGroups.
                int dimGroup = thread % DimGroups;
                int rowGroup = thread / DimGroups;

                // Stage this tile's query rows (zero past the last query, never written back); start every row's statistics.
                """);
            WriteStaging(writer, "queryTile", "QueryTileSize * HeadDim", tiles.QueryTileSize * spec.HeadDim, tiles.ThreadsPerGroup,
                index => $"QueryTileElement(q, geometry, sequence, schedule, firstHead, tileStart, {index})", padded: true);
            writer.WriteLine();
            writer.WriteLine($$"""
                for (int row = thread; row < QueryTileSize; row += ThreadsPerGroup)
                {
                    rowMax[row] = float.NegativeInfinity;
                    rowSum[row] = 0f;
                }

                {{Block(rows, dims, (r, d) => $"float out{r}_{d} = 0f;", "\n")}}

                // Key tiles wholly outside the window (its chunk, its sink keys) are never visited; with the keys split, this
                // group visits its share of the rest. The loop bounds are the same for the whole group.
                var plan = global::KernelGen.KeyTilePlan.ForQueryTile(
                    queryStart, queryEnd, sequence.DiagonalOffset,
                    window.HasLeftBound, window.Left, window.HasRightBound, window.Right, window.ChunkSize, window.SinkTokens,
                    sequence.KeyCount, KeyTileSize);
                int firstVisit = schedule.SplitFirstVisit(plan, split);
                int endVisit = schedule.SplitFirstVisit(plan, split + 1);
                """);
            using (writer.Block("for (int visit = firstVisit; visit < endVisit; visit++)"))
            {
                writer.WriteLine("""
                    int tile = plan.TileAt(visit);
                    int keyStart = tile * KeyTileSize;

                    // Interior tiles are visible to every row of the tile and skip the mask entirely.
                    bool masked = plan.NeedsMask(tile);

                    // (1) Stage K, coalesced: consecutive threads read consecutive elements of a key row.
                    """);
                WriteKeyStaging(writer, "keyTile", "k", tiles.KeyTileSize * spec.HeadDim, tiles.ThreadsPerGroup, padded: true);
                writer.WriteLine();
                writer.WriteLine("global::ILGPU.Group.Barrier();");
                writer.WriteLine();
                WriteScores(writer, rows, keys);
                writer.WriteLine();
                writer.WriteLine("global::ILGPU.Group.Barrier();");
                writer.WriteLine();
                WriteRowStatistics(writer, spec);
                writer.WriteLine();
                writer.WriteLine("// V is staged while the row statistics are computed: nothing reads it before the barrier.");
                WriteKeyStaging(writer, "valueTile", "v", tiles.KeyTileSize * spec.HeadDim, tiles.ThreadsPerGroup, padded: false);
                writer.WriteLine();
                writer.WriteLine("global::ILGPU.Group.Barrier();");
                writer.WriteLine();
                WriteProbabilitiesTimesValues(writer, rows);
            }

            writer.WriteLine();
            WriteEpilogue(writer, spec, rows);
        }
    }

    /// <summary>Phase 2: each item is one RowsPerThread x KeysPerThread block of dot products over one slice of the head dimension.</summary>
    private static void WriteScores(SourceWriter writer, int rows, int keys)
    {
        writer.WriteLine("""
            // (2) Partial dot products. An item is a block of rows itemRowGroup + r * RowGroups and keys keyGroup + c * KeyGroups
            //     over DimsPerSplit dimensions: per dimension it loads RowsPerThread + KeysPerThread values and does
            //     RowsPerThread * KeysPerThread multiply-adds.
            """);
        using (writer.Block("for (int item = thread; item < ScoreItems; item += ThreadsPerGroup)"))
        {
            writer.WriteLine($$"""
                int keyGroup = item % KeyGroups;
                int itemRowGroup = (item / KeyGroups) % RowGroups;
                int dimSplit = item / (KeyGroups * RowGroups);
                int firstDim = dimSplit * DimsPerSplit;
                {{Block(rows, keys, (r, c) => $"float dot{r}_{c} = 0f;", "\n")}}
                """);
            using (writer.Block("for (int dim = firstDim; dim < firstDim + DimsPerSplit; dim++)"))
            {
                writer.WriteLine("int queryIndex = (itemRowGroup * PaddedRow) + dim;");
                writer.WriteLine("int keyIndex = (keyGroup * PaddedRow) + dim;");
                writer.WriteLine(Lines(rows, r => $"float q{r} = queryTile[queryIndex + ({r} * RowGroups * PaddedRow)];"));
                writer.WriteLine(Lines(keys, c => $"float k{c} = keyTile[keyIndex + ({c} * KeyGroups * PaddedRow)];"));
                writer.WriteLine(Block(rows, keys, (r, c) => $"dot{r}_{c} += q{r} * k{c};", "\n"));
            }

            writer.WriteLine();
            writer.WriteLine("// Stored [key][row], the order in which the row statistics and P·V read them.");
            writer.WriteLine("int scoreIndex = (dimSplit * KeyTileSize * QueryTileSize) + (keyGroup * QueryTileSize) + itemRowGroup;");
            writer.WriteLine(Block(rows, keys, (r, c) =>
                $"scoreTile[scoreIndex + ({c} * KeyGroups * QueryTileSize) + ({r} * RowGroups)] = dot{r}_{c};", "\n", columnSeparator: "\n"));
        }
    }

    /// <summary>Phase 3: one thread per row completes the row's scores and runs the online softmax for it.</summary>
    private static void WriteRowStatistics(SourceWriter writer, KernelSpec spec)
    {
        var splits = spec.Tiles.DimSplits;
        var dot = splits == 1
            ? "float dot = scoreTile[(key * QueryTileSize) + row];"
            : "float dot = "
                + string.Join("\n    + ", Enumerable.Range(0, splits).Select(s => $"scoreTile[((({s} * KeyTileSize) + key) * QueryTileSize) + row]"))
                + ";";
        writer.WriteLine($$"""
            // (3) Row statistics, once per row, by the row's owner: add the partial dot products, then the score steps at their
            //     fixed hooks (scale, soft cap, mask), then the online softmax. The probabilities replace the scores in split 0.
            for (int row = thread; row < QueryTileSize; row += ThreadsPerGroup)
            {
                int query = schedule.RowQuery(tileStart, row);
                float tileMax = float.NegativeInfinity;
                for (int key = 0; key < KeyTileSize; key++)
                {
                    {{Indent(dot, 2)}}
                    float score = dot * constants.SoftmaxScale;
                    if (constants.HasLogitSoftCap)
                    {
                        score = constants.LogitSoftCap * {{XMath}}.Tanh(score / constants.LogitSoftCap);
                    }

                    // A hidden key's score is replaced, never combined with anything: its key may hold NaN or inf.
                    if (masked && !global::KernelGen.WindowMask.IsVisible(window, query, keyStart + key, sequence.DiagonalOffset, sequence.KeyCount))
                    {
                        score = float.NegativeInfinity;
                    }

                    scoreTile[(key * QueryTileSize) + row] = score;
                    tileMax = score > tileMax ? score : tileMax;
                }

                // The running max stays -inf until the row sees a key; shift by 0 then, so exp() never sees -inf - -inf.
                float runningMax = rowMax[row];
                float newMax = runningMax > tileMax ? runningMax : tileMax;
                float shift = newMax == float.NegativeInfinity ? 0f : newMax;
                float correction = {{XMath}}.Exp(runningMax - shift);
                // The tile's weights are summed on their own, then added: rounding grows with the tiles, not the keys.
                float tileSum = 0f;
                for (int key = 0; key < KeyTileSize; key++)
                {
                    float probability = {{XMath}}.Exp(scoreTile[(key * QueryTileSize) + row] - shift);
                    scoreTile[(key * QueryTileSize) + row] = probability;
                    tileSum += probability;
                }

                rowMax[row] = newMax;
                rowSum[row] = (rowSum[row] * correction) + tileSum;
                rowRescale[row] = correction;
            }
            """);
    }

    /// <summary>Phase 4: every thread rescales its output block and adds its share of P·V.</summary>
    private static void WriteProbabilitiesTimesValues(SourceWriter writer, int rows)
    {
        const int dims = TileLayout.DimsPerThread;
        writer.WriteLine($$"""
            // (4) Rescale this thread's output block by its rows' corrections, then add P·V: per key it loads RowsPerThread
            //     probabilities and DimsPerThread values and does RowsPerThread * DimsPerThread multiply-adds.
            {{Lines(rows, r => $"float rescale{r} = rowRescale[rowGroup + ({r} * RowGroups)];")}}
            {{Block(rows, dims, (r, d) => $"out{r}_{d} *= rescale{r};", "\n")}}

            """);
        using (writer.Block("if (!masked)"))
        {
            using (writer.Block("for (int key = 0; key < KeyTileSize; key++)"))
            {
                WriteProbabilitiesAndValues(writer, rows);
                writer.WriteLine(Block(rows, dims, (r, d) => $"out{r}_{d} += p{r} * v{d};", "\n"));
            }
        }

        using (writer.Block("else"))
        {
            writer.WriteLine("""
                // A hidden (row, key) pair adds exactly nothing. Its probability is 0, but 0 * NaN and 0 * inf are NaN, and the
                // window promises that a hidden key's value never reaches the output, whatever it holds.
                """);
            writer.WriteLine(Lines(rows, r => $"int rowQuery{r} = schedule.RowQuery(tileStart, rowGroup + ({r} * RowGroups));"));
            using (writer.Block("for (int key = 0; key < KeyTileSize; key++)"))
            {
                WriteProbabilitiesAndValues(writer, rows);
                writer.WriteLine(Lines(rows, r =>
                    $"bool sees{r} = global::KernelGen.WindowMask.IsVisible(window, rowQuery{r}, keyStart + key, sequence.DiagonalOffset, sequence.KeyCount);"));
                writer.WriteLine(Lines(rows, r => $"if (sees{r}) {{ {string.Join(" ", Enumerable.Range(0, dims).Select(d => $"out{r}_{d} += p{r} * v{d};"))} }}"));
            }
        }
    }

    private static void WriteProbabilitiesAndValues(SourceWriter writer, int rows)
    {
        writer.WriteLine("int probabilityIndex = (key * QueryTileSize) + rowGroup;");
        writer.WriteLine("int valueIndex = (key * HeadDim) + dimGroup;");
        writer.WriteLine(Lines(rows, r => $"float p{r} = scoreTile[probabilityIndex + ({r} * RowGroups)];"));
        writer.WriteLine(Lines(TileLayout.DimsPerThread, d => $"float v{d} = valueTile[valueIndex + ({d} * DimGroups)];"));
    }

    /// <summary>After the last tile: each row's output scale and log-sum-exp, or its partial statistics; then the outputs.</summary>
    private static void WriteEpilogue(SourceWriter writer, KernelSpec spec, int rows)
    {
        const int dims = TileLayout.DimsPerThread;
        writer.WriteLine("""
            // After the last tile, each row's owner finishes its row (sinks, empty and 0/0 rows, log-sum-exp: SoftmaxRow) and
            // keeps the output scale in rowSum, which only the owner reads until the barrier. With the keys split, the row's
            // max and sum are this part's statistics instead, and its outputs go out unscaled for the combine kernel.
            for (int row = thread; row < QueryTileSize; row += ThreadsPerGroup)
            {
                int query = schedule.RowQuery(tileStart, row);
                int head = schedule.RowHead(firstHead, tileStart, row);
                if (schedule.Splits == 1)
                {
                    var finished = global::KernelGen.SoftmaxRow.Finish(constants, window, sinkLogits, head, query, sequence, rowMax[row], rowSum[row]);
                    rowSum[row] = finished.OutputScale;
                    if (query < sequence.QueryCount && geometry.WritesLogSumExp != 0)
                    {
                        logSumExp[geometry.LogSumExpIndex(sequence, head, query)] = finished.LogSumExp;
                    }
                }
                else if (query < sequence.QueryCount)
                {
                    long statistics = schedule.PartialRow(geometry, sequenceIndex, query, head, split) + HeadDim;
                    partials[statistics] = rowMax[row];
                    partials[statistics + 1] = rowSum[row];
                }
            }

            global::ILGPU.Group.Barrier();

            // Neighbouring threads write neighbouring dimensions of a row.
            """);
        for (var r = 0; r < rows; r++)
        {
            writer.WriteLine($"int query{r} = schedule.RowQuery(tileStart, rowGroup + ({r} * RowGroups));");
            using (writer.Block($"if (query{r} < sequence.QueryCount)"))
            {
                writer.WriteLine($"int head = schedule.RowHead(firstHead, tileStart, rowGroup + ({r} * RowGroups));");
                using (writer.Block("if (schedule.Splits == 1)"))
                {
                    writer.WriteLine($"float scale = rowSum[rowGroup + ({r} * RowGroups)];");
                    writer.WriteLine($"long target = geometry.QueryRow(sequence, query{r}, head) + dimGroup;");
                    writer.WriteLine(Lines(dims, d => $"output[target + ({d} * DimGroups)] = {Narrow(spec, $"out{r}_{d} * scale")};"));
                }

                using (writer.Block("else"))
                {
                    writer.WriteLine($"long target = schedule.PartialRow(geometry, sequenceIndex, query{r}, head, split) + dimGroup;");
                    writer.WriteLine(Lines(dims, d => $"partials[target + ({d} * DimGroups)] = out{r}_{d};"));
                }
            }

            if (r < rows - 1)
            {
                writer.WriteLine();
            }
        }
    }

    /// <summary>
    /// Copies a tile from global memory to shared memory, coalesced: element <c>index</c> of the row-major tile is read by
    /// thread <c>index % ThreadsPerGroup</c>. Each thread issues <see cref="StagingUnroll"/> loads before it stores any;
    /// bounds checks appear only when the tile is not a whole number of rounds.
    /// </summary>
    private static void WriteStaging(SourceWriter writer, string tile, string elements, int elementCount, int threads, Func<string, string> load, bool padded)
    {
        var exact = elementCount % (StagingUnroll * threads) == 0;
        string At(int u) => u == 0 ? "index" : $"index + ({u} * ThreadsPerGroup)";
        string Target(int u) => padded ? $"PaddedIndex({At(u)})" : At(u);
        using (writer.Block($"for (int index = thread; index < {elements}; index += StagingUnroll * ThreadsPerGroup)"))
        {
            writer.WriteLine(Lines(StagingUnroll, u => exact || u == 0
                ? $"float element{u} = {load(At(u))};"
                : $"float element{u} = {At(u)} < {elements} ? {load(At(u))} : 0f;"));
            writer.WriteLine(Lines(StagingUnroll, u => exact || u == 0
                ? $"{tile}[{Target(u)}] = element{u};"
                : $"if ({At(u)} < {elements}) {tile}[{Target(u)}] = element{u};"));
        }
    }

    /// <summary>
    /// Stages a key or value tile, once for keys that sit at their positions and once for a ring, under a branch that is the
    /// same for the whole group: written as one expression, the ring's remainder would be computed for every element of
    /// every call and then discarded.
    /// </summary>
    private static void WriteKeyStaging(SourceWriter writer, string tile, string source, int elementCount, int threads, bool padded)
    {
        using (writer.Block("if (geometry.RingCapacity == 0)"))
        {
            WriteStaging(writer, tile, "KeyTileSize * HeadDim", elementCount, threads,
                index => $"KeyTileElement({source}, geometry, sequence, kvHead, keyStart, {index}, ring: false)", padded);
        }

        using (writer.Block("else"))
        {
            WriteStaging(writer, tile, "KeyTileSize * HeadDim", elementCount, threads,
                index => $"KeyTileElement({source}, geometry, sequence, kvHead, keyStart, {index}, ring: true)", padded);
        }
    }

    /// <summary>One line per block row, the row's statements separated by spaces (or <paramref name="columnSeparator"/>).</summary>
    private static string Block(int rows, int columns, Func<int, int, string> statement, string separator, string columnSeparator = " ") =>
        string.Join(separator, Enumerable.Range(0, rows).Select(r => string.Join(columnSeparator, Enumerable.Range(0, columns).Select(c => statement(r, c)))));

    private static string Lines(int count, Func<int, string> line) => string.Join("\n", Enumerable.Range(0, count).Select(line));

    /// <summary>Indents every line after the first by <paramref name="levels"/> levels, for text inserted into a raw string.</summary>
    private static string Indent(string text, int levels) => text.Replace("\n", "\n" + new string(' ', 4 * levels));
}
