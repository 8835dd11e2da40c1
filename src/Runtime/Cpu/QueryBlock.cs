using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace KernelGen;

/// <summary>
/// One work item of the CPU kernel: a block of queries of one sequence, for every query head that shares one
/// key/value head, FlashAttention's way. The key tiles come from <see cref="KeyTilePlan"/>: tiles outside the window
/// are never touched, interior tiles run without a mask, and only tiles that cross a window edge evaluate
/// <see cref="WindowMask"/>'s per-row key ranges.
/// </summary>
/// <remarks>
/// The loops are compiled fully optimised on first call (<see cref="MethodImplOptions.AggressiveOptimization"/>): tiered
/// compilation would otherwise run a call's first blocks in unoptimised code, several times slower.
/// A block has up to <see cref="TargetRows"/> rows, a row being one (query, head) pair, ordered query by query and
/// head by head within a query, which is also their order in memory. Scores are kept transposed, key by key with
/// the rows across the vector lanes, so that the softmax statistics of a whole vector of rows update at once and
/// neither the keys nor the values ever need transposing; only the queries are, once per block.
/// <para>
/// All arithmetic is fp32. fp32 keys and values are read in place; 16-bit ones (fp16, bf16) are widened a tile at a
/// time into the thread's scratch, and the same loops run on that copy, so a 16-bit call computes exactly what an
/// fp32 call on the widened inputs computes, and rounds each output row once at the end.
/// </para>
/// </remarks>
internal static unsafe class QueryBlock
{
    /// <summary>Keys per tile: a tile's scores (64 keys x 16 rows) and its key and value rows stay in L1/L2.</summary>
    public const int KeyTileSize = 64;

    /// <summary>
    /// Rows per block: two 256-bit vectors of rows, enough to reuse each loaded key across 16 rows, small enough that
    /// a block's band of keys barely outgrows the window and that a short sequence still makes many blocks.
    /// </summary>
    public const int TargetRows = 16;

    /// <summary>A call's buffers and sequences, and how it is cut into blocks.</summary>
    /// <typeparam name="TElement">The element type of the queries, keys, values and output.</typeparam>
    public readonly struct Call<TElement>
        where TElement : unmanaged
    {
        public readonly TElement* Query;
        public readonly TElement* Key;
        public readonly TElement* Value;
        public readonly float* SinkLogits;
        public readonly TElement* Output;
        public readonly float* LogSumExp;
        public readonly SequenceGeometry Geometry;
        public readonly SequenceLayout[] Sequences;
        public readonly int QueriesPerBlock;
        public readonly int PaddedRows;

        // The blocks before each sequence (and, last, all of them): a block's sequence is found by binary search.
        private readonly long[] _blockStarts;

        public Call(TElement* query, TElement* key, TElement* value, float* sinkLogits, TElement* output, float* logSumExp, SequenceGeometry geometry, SequenceLayout[] sequences)
        {
            Query = query;
            Key = key;
            Value = value;
            SinkLogits = sinkLogits;
            Output = output;
            LogSumExp = logSumExp;
            Geometry = geometry;
            Sequences = sequences;
            QueriesPerBlock = Math.Max(1, TargetRows / geometry.HeadsPerKvHead);
            PaddedRows = RoundUpToVector(QueriesPerBlock * geometry.HeadsPerKvHead);
            _blockStarts = new long[sequences.Length + 1];
            for (int sequence = 0; sequence < sequences.Length; sequence++)
            {
                _blockStarts[sequence + 1] = _blockStarts[sequence] + ((long)geometry.KvHeads * QueryBlocks(sequence));
            }
        }

        /// <summary>Blocks in the call.</summary>
        public long BlockCount => _blockStarts[^1];

        /// <summary>Floats of scratch one thread needs.</summary>
        public int ScratchLength(int headDim) => BlockScratch.Length(headDim, PaddedRows, WidensKeys);

        /// <summary>Whether keys and values are widened to fp32 scratch a tile at a time, rather than read in place.</summary>
        public static bool WidensKeys => typeof(TElement) != typeof(float);

        /// <summary>Blocks of queries of <paramref name="sequence"/>, per key/value head.</summary>
        public int QueryBlocks(int sequence) => (Sequences[sequence].QueryCount + QueriesPerBlock - 1) / QueriesPerBlock;

        /// <summary>The sequence that <paramref name="block"/> belongs to: the last one whose blocks start at or before it.</summary>
        public int SequenceOf(long block)
        {
            int low = 0, high = Sequences.Length - 1;
            while (low < high)
            {
                int middle = (low + high + 1) / 2;
                if (_blockStarts[middle] <= block)
                {
                    low = middle;
                }
                else
                {
                    high = middle - 1;
                }
            }

            return low;
        }

        /// <summary>The first block of <paramref name="sequence"/>.</summary>
        public long FirstBlock(int sequence) => _blockStarts[sequence];
    }

    /// <summary>Computes block <paramref name="block"/> of <paramref name="call"/>, using <paramref name="scratch"/> as working memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TConstants, TWindow, TElement>(in Call<TElement> call, TConstants constants, TWindow window, long block, float[] scratch)
        where TConstants : struct, IKernelConstants
        where TWindow : struct, IWindowBounds
        where TElement : unmanaged
    {
        int headDim = constants.HeadDim;
        var geometry = call.Geometry;

        // Consecutive blocks share a key/value head, so the threads walk the keys in order.
        int sequenceIndex = call.SequenceOf(block);
        var sequence = call.Sequences[sequenceIndex];
        int queryBlocks = call.QueryBlocks(sequenceIndex);
        long blockInSequence = block - call.FirstBlock(sequenceIndex);
        int queryBlock = (int)(blockInSequence % queryBlocks);
        int kvHead = (int)(blockInSequence / queryBlocks);
        int queryStart = queryBlock * call.QueriesPerBlock;
        int queryEnd = Math.Min(sequence.QueryCount, queryStart + call.QueriesPerBlock);
        int heads = geometry.HeadsPerKvHead;
        int rows = (queryEnd - queryStart) * heads;
        int paddedRows = RoundUpToVector(rows);
        int rowQuads = (rows + 3) / 4 * 4;
        int firstHead = kvHead * heads;
        int seqK = sequence.KeyCount;

        fixed (float* memory = scratch)
        {
            var work = new BlockScratch(memory, headDim, call.PaddedRows, Call<TElement>.WidensKeys);

            // The rows of one query are its heads, adjacent in memory: the block's queries are one strided run.
            TElement* queryRows = call.Query + geometry.QueryRow(sequence, queryStart, firstHead);
            PackQueries(queryRows, (long)geometry.Heads * headDim, heads, rows, paddedRows, headDim, constants.SoftmaxScale, work.QueryT);
            // Each row's visible keys, and the keys that every row of the block sees: inside those, even an edge
            // tile needs no mask.
            int seenByAllFrom = 0, seenByAllTo = seqK;
            for (int row = 0; row < paddedRows; row++)
            {
                var visible = row < rows
                    ? WindowMask.VisibleKeys(window, queryStart + (row / heads), sequence.DiagonalOffset, seqK)
                    : default;
                work.RowStart[row] = visible.Start;
                work.RowEnd[row] = visible.End;
                work.RowSinkEnd[row] = row < rows ? WindowMask.SinkEnd(window, queryStart + (row / heads), sequence.DiagonalOffset, seqK) : 0;
                work.RowMax[row] = float.NegativeInfinity;
                work.RowSum[row] = 0f;
                if (row < rows)
                {
                    seenByAllFrom = Math.Max(seenByAllFrom, visible.Start);
                    seenByAllTo = Math.Min(seenByAllTo, visible.End);
                }
            }

            new Span<float>(work.Output, paddedRows * headDim).Clear();

            var keys = new KeyRows<TElement>(call, geometry, sequence, kvHead);
            // With few rows (decode) the block is bound by memory, not arithmetic: each key row is a separate piece of
            // memory (all key/value heads of a position lie between), which the hardware prefetcher does not follow.
            bool fewRows = paddedRows <= Vector<float>.Count && Sse.IsSupported;
            var plan = KeyTilePlan.ForQueryTile(
                queryStart, queryEnd, sequence.DiagonalOffset,
                window.HasLeftBound, window.Left, window.HasRightBound, window.Right, window.ChunkSize, window.SinkTokens,
                seqK, KeyTileSize);
            if (fewRows && plan.VisitCount > 0)
            {
                int firstTile = plan.TileAt(0);
                keys.Prefetch(plan.TileKeyStart(firstTile, KeyTileSize), plan.TileKeyEnd(firstTile, KeyTileSize), headDim);
            }

            var tiles = new TileState(work, paddedRows, rowQuads, headDim, seenByAllFrom, seenByAllTo);
            for (int visit = 0; visit < plan.VisitCount; visit++)
            {
                // Edge tiles are cut to the keys some row of the block sees: the rest of the tile is never read.
                int tile = plan.TileAt(visit);
                int keyStart = plan.TileKeyStart(tile, KeyTileSize);
                int keyEnd = plan.TileKeyEnd(tile, KeyTileSize);
                bool masked = plan.NeedsMask(tile);
                if (fewRows && visit + 1 < plan.VisitCount)
                {
                    int nextTile = plan.TileAt(visit + 1);
                    keys.Prefetch(plan.TileKeyStart(nextTile, KeyTileSize), plan.TileKeyEnd(nextTile, KeyTileSize), headDim);
                }

                // In a ring, a tile that runs past the last slot continues at slot 0: each piece is a tile of its own.
                for (int pieceStart = keyStart; pieceStart < keyEnd;)
                {
                    int pieceEnd = keys.ContiguousEnd(pieceStart, keyEnd);
                    TElement* pieceKeys = keys.At(call.Key, pieceStart);
                    TElement* pieceValues = keys.At(call.Value, pieceStart);
                    // fp32 keys and values are read in place; 16-bit ones are widened (exactly) into the thread's
                    // scratch, a piece at a time, and the same loops run on that copy.
                    if (Call<TElement>.WidensKeys)
                    {
                        int pieceKeyCount = pieceEnd - pieceStart;
                        WidenRows(pieceKeys, keys.RowStride, pieceKeyCount, headDim, work.WidenedKeys);
                        WidenRows(pieceValues, keys.RowStride, pieceKeyCount, headDim, work.WidenedValues);
                        AttendKeys(constants, tiles, pieceStart, pieceEnd, masked, work.WidenedKeys, work.WidenedValues, headDim);
                    }
                    else
                    {
                        AttendKeys(constants, tiles, pieceStart, pieceEnd, masked, (float*)pieceKeys, (float*)pieceValues, keys.RowStride);
                    }

                    pieceStart = pieceEnd;
                }
            }

            for (int row = 0; row < rows; row++)
            {
                int query = queryStart + (row / heads);
                int head = firstHead + (row % heads);
                TElement* outputRow = call.Output + geometry.QueryRow(sequence, query, head);
                float* logSumExp = call.LogSumExp == null ? null : call.LogSumExp + geometry.LogSumExpIndex(sequence, head, query);
                float sink = constants.HasSinks ? call.SinkLogits[head] : 0f;
                bool seesKeys = work.RowStart[row] < work.RowEnd[row] || work.RowSinkEnd[row] > 0;
                FinishRow(constants.HasSinks, sink, seesKeys, work.RowMax[row], work.RowSum[row], work.Output + ((long)row * headDim), headDim, outputRow, logSumExp);
            }
        }
    }

    // What every tile of a block shares: the scratch, the block's row counts, and the keys every row sees.
    private readonly struct TileState(BlockScratch work, int paddedRows, int rowQuads, int headDim, int seenByAllFrom, int seenByAllTo)
    {
        public readonly BlockScratch Work = work;
        public readonly int PaddedRows = paddedRows;
        public readonly int RowQuads = rowQuads;
        public readonly int HeadDim = headDim;
        public readonly int SeenByAllFrom = seenByAllFrom;
        public readonly int SeenByAllTo = seenByAllTo;
    }

    // One key/value head's rows of one sequence: key position p lies at its slot (p itself, or p modulo a ring's slots).
    private readonly struct KeyRows<TElement>(in Call<TElement> call, SequenceGeometry geometry, in SequenceLayout sequence, int kvHead)
        where TElement : unmanaged
    {
        private readonly long _headStart = sequence.KeyStart + (kvHead * geometry.KeyHeadStride);
        private readonly SequenceGeometry _geometry = geometry;
        private readonly TElement* _key = call.Key;
        private readonly TElement* _value = call.Value;

        public long RowStride => _geometry.KeyRowStride;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TElement* At(TElement* buffer, int key) => buffer + _headStart + (_geometry.KeySlot(key) * _geometry.KeyRowStride);

        // The end of the run of keys from key that lie in consecutive slots, at most end.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int ContiguousEnd(int key, int end) =>
            (int)Math.Min(end, key + _geometry.ContiguousSlots(key));

        // Asks for keys [from, to) ahead of use, a cache line at a time.
        public void Prefetch(int from, int to, int headDim)
        {
            const int BytesPerLine = 64;
            int rowBytes = headDim * sizeof(TElement);
            for (int key = from; key < to; key++)
            {
                byte* keyRow = (byte*)At(_key, key);
                byte* valueRow = (byte*)At(_value, key);
                for (int offset = 0; offset < rowBytes; offset += BytesPerLine)
                {
                    Sse.Prefetch0(keyRow + offset);
                    Sse.Prefetch0(valueRow + offset);
                }
            }
        }
    }

    // Keys [keyStart, keyEnd), in consecutive rows from tileKeys and tileValues: scores, score steps, mask (edge tiles
    // only), online softmax and P·V.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AttendKeys<TConstants>(TConstants constants, in TileState tile, int keyStart, int keyEnd, bool masked, float* tileKeys, float* tileValues, long keyStride)
        where TConstants : struct, IKernelConstants
    {
        var work = tile.Work;
        int paddedRows = tile.PaddedRows;
        int rowQuads = tile.RowQuads;
        int headDim = tile.HeadDim;
        int keyCount = keyEnd - keyStart;

        // An edge tile: only the keys before and after those every row sees are masked, one by one.
        int unmaskedFrom = masked ? Math.Clamp(tile.SeenByAllFrom, keyStart, keyEnd) - keyStart : 0;
        int unmaskedTo = masked ? Math.Clamp(tile.SeenByAllTo, keyStart + unmaskedFrom, keyEnd) - keyStart : keyCount;

        MicroKernels.Scores(work.QueryT, paddedRows, headDim, tileKeys, keyStride, keyCount, work.Scores);
        if (constants.HasLogitSoftCap)
        {
            SoftCap(work.Scores, keyCount * paddedRows, constants.LogitSoftCap);
        }

        if (masked)
        {
            MaskScores(work.Scores, paddedRows, keyStart, 0, unmaskedFrom, work);
            MaskScores(work.Scores, paddedRows, keyStart, unmaskedTo, keyCount, work);
        }

        OnlineSoftmax(work.Scores, paddedRows, keyCount, work.RowMax, work.RowSum, work.Correction);
        if (masked)
        {
            MicroKernels.Rescale(work.Output, rowQuads, headDim, work.Correction);
            MicroKernels.AccumulateMasked(work.Scores, paddedRows, rowQuads, headDim, tileValues, keyStride, keyStart, unmaskedFrom, work.RowStart, work.RowEnd, work.RowSinkEnd, work.Output);
            MicroKernels.Accumulate(work.Scores + (unmaskedFrom * paddedRows), paddedRows, rowQuads, headDim, tileValues + (unmaskedFrom * keyStride), keyStride, unmaskedTo - unmaskedFrom, null, work.Output);
            MicroKernels.AccumulateMasked(work.Scores + (unmaskedTo * paddedRows), paddedRows, rowQuads, headDim, tileValues + (unmaskedTo * keyStride), keyStride, keyStart + unmaskedTo, keyCount - unmaskedTo, work.RowStart, work.RowEnd, work.RowSinkEnd, work.Output);
        }
        else
        {
            MicroKernels.Accumulate(work.Scores, paddedRows, rowQuads, headDim, tileValues, keyStride, keyCount, work.Correction, work.Output);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RoundUpToVector(int rows) => (rows + Vector<float>.Count - 1) / Vector<float>.Count * Vector<float>.Count;

    // Queries widened (exactly), transposed (dimension by dimension, rows across the lanes) and pre-scaled; padding rows
    // are zero. Once per block, so one element at a time.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackQueries<TElement>(TElement* queryRows, long queryStride, int heads, int rows, int paddedRows, int headDim, float scale, float* queryT)
        where TElement : unmanaged
    {
        for (int row = 0; row < paddedRows; row++)
        {
            TElement* source = queryRows + ((row / heads) * queryStride) + ((row % heads) * headDim);
            for (int dim = 0; dim < headDim; dim++)
            {
                queryT[(dim * paddedRows) + row] = row < rows ? ElementSpans.Widen(source[dim]) * scale : 0f;
            }
        }
    }

    // Widens keyCount rows of headDim elements, stride apart, into consecutive fp32 rows; exact. A ring's rows or a
    // single key/value head's are one contiguous run, widened at once.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WidenRows<TElement>(TElement* rows, long stride, int keyCount, int headDim, float* widened)
        where TElement : unmanaged
    {
        if (stride == headDim)
        {
            ElementSpans.Widen(new ReadOnlySpan<TElement>(rows, keyCount * headDim), new Span<float>(widened, keyCount * headDim));
            return;
        }

        for (int key = 0; key < keyCount; key++)
        {
            ElementSpans.Widen(new ReadOnlySpan<TElement>(rows + (key * stride), headDim), new Span<float>(widened + (key * headDim), headDim));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SoftCap(float* scores, int count, float cap)
    {
        var capVector = new Vector<float>(cap);
        var inverse = new Vector<float>(1f / cap);
        for (int index = 0; index < count; index += Vector<float>.Count)
        {
            Vector.Store(capVector * VectorMath.Tanh(Vector.Load(scores + index) * inverse), scores + index);
        }
    }

    // A hidden score is replaced, never added to, so that a NaN or infinity at a hidden key cannot leak. Only the
    // tile's keys [from, to) are looked at; a row sees its band [start, end) and its sink keys [0, sinkEnd).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaskScores(float* scores, int paddedRows, int keyStart, int from, int to, in BlockScratch work)
    {
        var hidden = new Vector<float>(float.NegativeInfinity);
        for (int rowVector = 0; rowVector < paddedRows; rowVector += Vector<float>.Count)
        {
            var start = Vector.Load(work.RowStart + rowVector);
            var end = Vector.Load(work.RowEnd + rowVector);
            var sinkEnd = Vector.Load(work.RowSinkEnd + rowVector);
            for (int key = from; key < to; key++)
            {
                var absoluteKey = new Vector<int>(keyStart + key);
                var visible = (Vector.GreaterThanOrEqual(absoluteKey, start) & Vector.LessThan(absoluteKey, end)) | Vector.LessThan(absoluteKey, sinkEnd);
                float* score = scores + (key * paddedRows) + rowVector;
                Vector.Store(Vector.ConditionalSelect(Vector.AsVectorSingle(visible), Vector.Load(score), hidden), score);
            }
        }
    }

    // Online softmax on a whole vector of rows: new running max, rescale factor for what was summed so far, and the
    // tile's weights written over its scores. A max still at -inf shifts by 0, so exp never sees -inf - -inf.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OnlineSoftmax(float* scores, int paddedRows, int keyCount, float* rowMax, float* rowSum, float* correction)
    {
        var negativeInfinity = new Vector<float>(float.NegativeInfinity);
        for (int rowVector = 0; rowVector < paddedRows; rowVector += Vector<float>.Count)
        {
            var tileMax = negativeInfinity;
            for (int key = 0; key < keyCount; key++)
            {
                tileMax = Vector.MaxNative(tileMax, Vector.Load(scores + (key * paddedRows) + rowVector));
            }

            var oldMax = Vector.Load(rowMax + rowVector);
            var newMax = Vector.MaxNative(oldMax, tileMax);
            var shift = Vector.ConditionalSelect(Vector.Equals(newMax, negativeInfinity), Vector<float>.Zero, newMax);
            var rescale = VectorMath.Exp(oldMax - shift);

            // The tile's weights are summed on their own, then added: rounding grows with the tiles, not the keys.
            var tileSum = Vector<float>.Zero;
            for (int key = 0; key < keyCount; key++)
            {
                float* score = scores + (key * paddedRows) + rowVector;
                var weight = VectorMath.Exp(Vector.Load(score) - shift);
                Vector.Store(weight, score);
                tileSum += weight;
            }

            Vector.Store(newMax, rowMax + rowVector);
            Vector.Store(Vector.MultiplyAddEstimate(Vector.Load(rowSum + rowVector), rescale, tileSum), rowSum + rowVector);
            Vector.Store(rescale, correction + rowVector);
        }
    }

    // The sink logit joins the denominator with no value vector; a row that saw nothing writes zeros and -inf. A row
    // that saw keys whose weights are all zero (every visible score -inf: an infinity in q or k) is 0/0 and writes NaN,
    // rather than passing for a row that saw nothing. A sink of +inf takes all the weight. A 16-bit row is computed in
    // fp32 over its accumulators, then rounded once.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FinishRow<TElement>(bool hasSinks, float sink, bool seesKeys, float max, float sum, float* accumulated, int headDim, TElement* output, float* logSumExp)
        where TElement : unmanaged
    {
        float scale = 1f;
        if (hasSinks)
        {
            float withSink = max > sink ? max : sink;
            float shift = withSink == float.NegativeInfinity ? 0f : withSink;
            scale = float.IsPositiveInfinity(sink) ? 0f : MathF.Exp(max - shift);
            sum = (sum * scale) + (float.IsPositiveInfinity(sink) ? 1f : MathF.Exp(sink - shift));
            max = withSink;
        }

        // Compared with 0, not "> 0": a NaN that a visible key brought in stays NaN.
        float empty = seesKeys ? float.NaN : 0f;
        float normalizer = sum == 0f ? empty : scale / sum;
        float* row = typeof(TElement) == typeof(float) ? (float*)output : accumulated;
        for (int dim = 0; dim < headDim; dim++)
        {
            row[dim] = accumulated[dim] * normalizer;
        }

        if (typeof(TElement) != typeof(float))
        {
            ElementSpans.Narrow(new ReadOnlySpan<float>(row, headDim), new Span<TElement>(output, headDim));
        }

        if (logSumExp != null)
        {
            *logSumExp = sum == 0f ? (seesKeys ? float.NaN : float.NegativeInfinity) : max + MathF.Log(sum);
        }
    }
}
