namespace KernelGen;

/// <summary>
/// One thread's working memory for a <see cref="QueryBlock"/>, carved from one pooled array: the queries
/// transposed, one tile of scores (then weights), the output accumulators, and per row its running max and sum,
/// the last rescale factor, its visible band of keys and the end of its sink keys.
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

    public BlockScratch(float* memory, int headDim, int paddedRows)
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
    }

    /// <summary>Floats needed for blocks of up to <paramref name="paddedRows"/> rows.</summary>
    public static int Length(int headDim, int paddedRows) =>
        (2 * headDim * paddedRows) + (QueryBlock.KeyTileSize * paddedRows) + (6 * paddedRows);
}
