using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace KernelGen;

/// <summary>
/// The register-blocked inner loops of the CPU kernel. Q·Kᵀ computes 2 vectors of rows x 4 keys per pass (8
/// accumulators: each step loads 2 query vectors and broadcasts 4 key elements for 8 multiply-adds); P·V computes
/// 4 rows x 2 vectors of the head dimension (8 accumulators: 4 broadcast weights and 2 value vectors for 8
/// multiply-adds). Both fit the 16 vector registers of AVX2 and read keys and values in place, row by row. P·V runs
/// over the block's rows rounded up to 4 (<c>rowCount</c>), not over the vector padding: a decode block of 4 heads
/// does half the work it would on 8 padded rows.
/// </summary>
internal static unsafe class MicroKernels
{
    private static int Lanes => Vector<float>.Count;

    /// <summary>
    /// <c>scores[key, row] = Σ_d queryT[d, row] · keys[key, d]</c> for <paramref name="keyCount"/> keys
    /// <paramref name="keyStride"/> floats apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scores(float* queryT, int paddedRows, int headDim, float* keys, long keyStride, int keyCount, float* scores)
    {
        int key = 0;
        for (; key + 4 <= keyCount; key += 4)
        {
            float* key0 = keys + (key * keyStride);
            float* key1 = key0 + keyStride;
            float* key2 = key1 + keyStride;
            float* key3 = key2 + keyStride;
            float* scoreRow = scores + (key * paddedRows);
            int row = 0;
            for (; row + (2 * Lanes) <= paddedRows; row += 2 * Lanes)
            {
                Vector<float> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
                float* query = queryT + row;
                for (int dim = 0; dim < headDim; dim++, query += paddedRows)
                {
                    var rowsA = Vector.Load(query);
                    var rowsB = Vector.Load(query + Lanes);
                    var element = new Vector<float>(key0[dim]);
                    a0 = Vector.MultiplyAddEstimate(rowsA, element, a0);
                    b0 = Vector.MultiplyAddEstimate(rowsB, element, b0);
                    element = new Vector<float>(key1[dim]);
                    a1 = Vector.MultiplyAddEstimate(rowsA, element, a1);
                    b1 = Vector.MultiplyAddEstimate(rowsB, element, b1);
                    element = new Vector<float>(key2[dim]);
                    a2 = Vector.MultiplyAddEstimate(rowsA, element, a2);
                    b2 = Vector.MultiplyAddEstimate(rowsB, element, b2);
                    element = new Vector<float>(key3[dim]);
                    a3 = Vector.MultiplyAddEstimate(rowsA, element, a3);
                    b3 = Vector.MultiplyAddEstimate(rowsB, element, b3);
                }

                float* target = scoreRow + row;
                Vector.Store(a0, target);
                Vector.Store(b0, target + Lanes);
                Vector.Store(a1, target + paddedRows);
                Vector.Store(b1, target + paddedRows + Lanes);
                Vector.Store(a2, target + (2 * paddedRows));
                Vector.Store(b2, target + (2 * paddedRows) + Lanes);
                Vector.Store(a3, target + (3 * paddedRows));
                Vector.Store(b3, target + (3 * paddedRows) + Lanes);
            }

            for (; row < paddedRows; row += Lanes)
            {
                Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
                float* query = queryT + row;
                for (int dim = 0; dim < headDim; dim++, query += paddedRows)
                {
                    var rows = Vector.Load(query);
                    a0 = Vector.MultiplyAddEstimate(rows, new Vector<float>(key0[dim]), a0);
                    a1 = Vector.MultiplyAddEstimate(rows, new Vector<float>(key1[dim]), a1);
                    a2 = Vector.MultiplyAddEstimate(rows, new Vector<float>(key2[dim]), a2);
                    a3 = Vector.MultiplyAddEstimate(rows, new Vector<float>(key3[dim]), a3);
                }

                float* target = scoreRow + row;
                Vector.Store(a0, target);
                Vector.Store(a1, target + paddedRows);
                Vector.Store(a2, target + (2 * paddedRows));
                Vector.Store(a3, target + (3 * paddedRows));
            }
        }

        for (; key < keyCount; key++)
        {
            float* keyRow = keys + (key * keyStride);
            for (int row = 0; row < paddedRows; row += Lanes)
            {
                Vector<float> sum = default;
                float* query = queryT + row;
                for (int dim = 0; dim < headDim; dim++, query += paddedRows)
                {
                    sum = Vector.MultiplyAddEstimate(Vector.Load(query), new Vector<float>(keyRow[dim]), sum);
                }

                Vector.Store(sum, scores + (key * paddedRows) + row);
            }
        }
    }

    /// <summary>
    /// <c>output[row, d] = output[row, d] · correction[row] + Σ_key weights[key, row] · values[key, d]</c>, for keys that
    /// every row sees; no rescaling when <paramref name="correction"/> is null. The tile's sum starts from zero and is
    /// added at the end, so rounding grows with the number of tiles rather than of keys.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Accumulate(float* weights, int paddedRows, int rowCount, int headDim, float* values, long valueStride, int keyCount, float* correction, float* output)
    {
        if (keyCount <= 0 && correction == null)
        {
            return;
        }

        for (int row = 0; row < rowCount; row += 4)
        {
            var rescale0 = new Vector<float>(correction == null ? 1f : correction[row]);
            var rescale1 = new Vector<float>(correction == null ? 1f : correction[row + 1]);
            var rescale2 = new Vector<float>(correction == null ? 1f : correction[row + 2]);
            var rescale3 = new Vector<float>(correction == null ? 1f : correction[row + 3]);
            float* out0 = output + ((long)row * headDim);
            float* out1 = out0 + headDim;
            float* out2 = out1 + headDim;
            float* out3 = out2 + headDim;
            int dim = 0;
            for (; dim + (2 * Lanes) <= headDim; dim += 2 * Lanes)
            {
                Vector<float> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
                float* weight = weights + row;
                float* value = values + dim;
                for (int key = 0; key < keyCount; key++, weight += paddedRows, value += valueStride)
                {
                    var valuesA = Vector.Load(value);
                    var valuesB = Vector.Load(value + Lanes);
                    var p = new Vector<float>(weight[0]);
                    a0 = Vector.MultiplyAddEstimate(p, valuesA, a0);
                    b0 = Vector.MultiplyAddEstimate(p, valuesB, b0);
                    p = new Vector<float>(weight[1]);
                    a1 = Vector.MultiplyAddEstimate(p, valuesA, a1);
                    b1 = Vector.MultiplyAddEstimate(p, valuesB, b1);
                    p = new Vector<float>(weight[2]);
                    a2 = Vector.MultiplyAddEstimate(p, valuesA, a2);
                    b2 = Vector.MultiplyAddEstimate(p, valuesB, b2);
                    p = new Vector<float>(weight[3]);
                    a3 = Vector.MultiplyAddEstimate(p, valuesA, a3);
                    b3 = Vector.MultiplyAddEstimate(p, valuesB, b3);
                }

                Vector.Store(Vector.MultiplyAddEstimate(Vector.Load(out0 + dim), rescale0, a0), out0 + dim);
                Vector.Store(Vector.MultiplyAddEstimate(Vector.Load(out0 + dim + Lanes), rescale0, b0), out0 + dim + Lanes);
                Vector.Store(Vector.MultiplyAddEstimate(Vector.Load(out1 + dim), rescale1, a1), out1 + dim);
                Vector.Store(Vector.MultiplyAddEstimate(Vector.Load(out1 + dim + Lanes), rescale1, b1), out1 + dim + Lanes);
                Vector.Store(Vector.MultiplyAddEstimate(Vector.Load(out2 + dim), rescale2, a2), out2 + dim);
                Vector.Store(Vector.MultiplyAddEstimate(Vector.Load(out2 + dim + Lanes), rescale2, b2), out2 + dim + Lanes);
                Vector.Store(Vector.MultiplyAddEstimate(Vector.Load(out3 + dim), rescale3, a3), out3 + dim);
                Vector.Store(Vector.MultiplyAddEstimate(Vector.Load(out3 + dim + Lanes), rescale3, b3), out3 + dim + Lanes);
            }

            for (; dim < headDim; dim += Lanes)
            {
                Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
                float* weight = weights + row;
                float* value = values + dim;
                for (int key = 0; key < keyCount; key++, weight += paddedRows, value += valueStride)
                {
                    var valuesA = Vector.Load(value);
                    a0 = Vector.MultiplyAddEstimate(new Vector<float>(weight[0]), valuesA, a0);
                    a1 = Vector.MultiplyAddEstimate(new Vector<float>(weight[1]), valuesA, a1);
                    a2 = Vector.MultiplyAddEstimate(new Vector<float>(weight[2]), valuesA, a2);
                    a3 = Vector.MultiplyAddEstimate(new Vector<float>(weight[3]), valuesA, a3);
                }

                Vector.Store(Vector.MultiplyAddEstimate(Vector.Load(out0 + dim), rescale0, a0), out0 + dim);
                Vector.Store(Vector.MultiplyAddEstimate(Vector.Load(out1 + dim), rescale1, a1), out1 + dim);
                Vector.Store(Vector.MultiplyAddEstimate(Vector.Load(out2 + dim), rescale2, a2), out2 + dim);
                Vector.Store(Vector.MultiplyAddEstimate(Vector.Load(out3 + dim), rescale3, a3), out3 + dim);
            }
        }
    }

    /// <summary><c>output[row, d] *= correction[row]</c>: the online softmax's rescale, when a tile is accumulated in parts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rescale(float* output, int rowCount, int headDim, float* correction)
    {
        for (int row = 0; row < rowCount; row++)
        {
            var rescale = new Vector<float>(correction[row]);
            float* outputRow = output + ((long)row * headDim);
            for (int dim = 0; dim < headDim; dim += Lanes)
            {
                Vector.Store(Vector.Load(outputRow + dim) * rescale, outputRow + dim);
            }
        }
    }

    /// <summary>
    /// <c>output[row, d] += Σ_key weights[key, row] · values[key, d]</c> over the keys <c>[keyStart, keyStart + keyCount)</c>
    /// of a tile that crosses a window edge: a hidden (row, key) pair contributes exactly nothing, not a zero weight
    /// times its value, so a NaN or infinity at a hidden key cannot reach the output. A row sees its band
    /// <c>[rowStart, rowEnd)</c> and its sink keys <c>[0, rowSinkEnd)</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AccumulateMasked(
        float* weights, int paddedRows, int rowCount, int headDim, float* values, long valueStride, int keyStart, int keyCount,
        int* rowStart, int* rowEnd, int* rowSinkEnd, float* output)
    {
        if (keyCount <= 0)
        {
            return;
        }

        for (int row = 0; row < rowCount; row += 4)
        {
            int start0 = rowStart[row], start1 = rowStart[row + 1], start2 = rowStart[row + 2], start3 = rowStart[row + 3];
            int end0 = rowEnd[row], end1 = rowEnd[row + 1], end2 = rowEnd[row + 2], end3 = rowEnd[row + 3];
            int sink0 = rowSinkEnd[row], sink1 = rowSinkEnd[row + 1], sink2 = rowSinkEnd[row + 2], sink3 = rowSinkEnd[row + 3];
            float* out0 = output + ((long)row * headDim);
            float* out1 = out0 + headDim;
            float* out2 = out1 + headDim;
            float* out3 = out2 + headDim;
            for (int dim = 0; dim < headDim; dim += Lanes)
            {
                Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
                float* weight = weights + row;
                float* value = values + dim;
                for (int key = keyStart; key < keyStart + keyCount; key++, weight += paddedRows, value += valueStride)
                {
                    if ((key >= start0 && key < end0) || key < sink0)
                    {
                        a0 = Vector.MultiplyAddEstimate(new Vector<float>(weight[0]), Vector.Load(value), a0);
                    }

                    if ((key >= start1 && key < end1) || key < sink1)
                    {
                        a1 = Vector.MultiplyAddEstimate(new Vector<float>(weight[1]), Vector.Load(value), a1);
                    }

                    if ((key >= start2 && key < end2) || key < sink2)
                    {
                        a2 = Vector.MultiplyAddEstimate(new Vector<float>(weight[2]), Vector.Load(value), a2);
                    }

                    if ((key >= start3 && key < end3) || key < sink3)
                    {
                        a3 = Vector.MultiplyAddEstimate(new Vector<float>(weight[3]), Vector.Load(value), a3);
                    }
                }

                Vector.Store(Vector.Load(out0 + dim) + a0, out0 + dim);
                Vector.Store(Vector.Load(out1 + dim) + a1, out1 + dim);
                Vector.Store(Vector.Load(out2 + dim) + a2, out2 + dim);
                Vector.Store(Vector.Load(out3 + dim) + a3, out3 + dim);
            }
        }
    }
}
