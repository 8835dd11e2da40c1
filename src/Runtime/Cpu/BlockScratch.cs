namespace KernelGen;

/// <summary>
/// One thread's working memory for a <see cref="QueryBlock"/>, carved from one pooled array: the queries
/// transposed, one tile of scores (then weights), the output accumulators, per row its running max and sum,
/// the last rescale factor, its visible band of keys and the end of its sink keys, and, for 16-bit elements only,
/// one tile of keys and one of values widened to fp32.
/// </summary>
internal readonly unsafe struct BlockScratch
{
    public readonly float* QueryT;
    public readonly float* Scores;
    public readonly float* Output;
    public readonly float* RowMax;
    public readonly float* RowSum;
    public readonly float* Correction;
    public readonly int* RowStart;
    public readonly int* RowEnd;
    public readonly int* RowSinkEnd;

    /// <summary>A tile of keys widened to fp32, <c>[KeyTileSize, headDim]</c>; null when the keys are fp32 and read in place.</summary>
    public readonly float* WidenedKeys;

    /// <summary>The tile's values, widened like <see cref="WidenedKeys"/>.</summary>
    public readonly float* WidenedValues;

    public BlockScratch(float* memory, int headDim, int paddedRows, bool widensKeys)
    {
        QueryT = memory;
        Scores = QueryT + (headDim * paddedRows);
        Output = Scores + (QueryBlock.KeyTileSize * paddedRows);
        RowMax = Output + (paddedRows * headDim);
        RowSum = RowMax + paddedRows;
        Correction = RowSum + paddedRows;
        RowStart = (int*)(Correction + paddedRows);
        RowEnd = RowStart + paddedRows;
        RowSinkEnd = RowEnd + paddedRows;
        WidenedKeys = widensKeys ? (float*)(RowSinkEnd + paddedRows) : null;
        WidenedValues = widensKeys ? WidenedKeys + WidenedTile(headDim) : null;
    }

    /// <summary>Floats needed for blocks of up to <paramref name="paddedRows"/> rows.</summary>
    public static int Length(int headDim, int paddedRows, bool widensKeys) =>
        (2 * headDim * paddedRows) + (QueryBlock.KeyTileSize * paddedRows) + (6 * paddedRows)
        + (widensKeys ? 2 * WidenedTile(headDim) : 0);

    private static int WidenedTile(int headDim) => QueryBlock.KeyTileSize * headDim;
}
