using System.Runtime.CompilerServices;

namespace KernelGen;

/// <summary>
/// The keys one query row sees, in the one place every component takes them from: <see cref="AttentionWindow"/>,
/// <see cref="WindowMask"/> (which both kernels run) and <see cref="KeyTilePlan"/>. A row whose diagonal is <c>d</c> sees
/// the band <c>[d - Left, d + Right]</c>, cut to its chunk <c>[floor(d / ChunkSize) * ChunkSize, + ChunkSize)</c> when the
/// window is chunked, plus the sink keys <c>[0, SinkEnd)</c>; everything is clamped to <c>[0, seqK)</c>.
/// </summary>
/// <remarks>
/// Both ends are non-decreasing in <c>d</c>, so a tile of rows is bounded by its first and last rows: the tile plan relies
/// on it. The sink keys are the first <c>SinkTokens</c> keys before the band's start that the right bound still allows
/// (<c>j &lt; N</c> and <c>j &lt;= d + Right</c>): they and the band never overlap, so a row's keys are two disjoint
/// ranges. Plain arithmetic on value types only, so ILGPU kernels can call it; compiled into the generator too.
/// </remarks>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
static class WindowRows
{
    /// <summary>The first key of the band (and chunk) of the row whose diagonal is <paramref name="diagonal"/>, in <c>[0, seqK]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long BandStart(long diagonal, bool hasLeftBound, long left, long chunkSize, int seqK)
    {
        long start = hasLeftBound ? diagonal - left : 0;
        if (chunkSize > 0)
        {
            long chunkStart = ChunkStart(diagonal, chunkSize);
            start = start > chunkStart ? start : chunkStart;
        }

        return Clamp(start, seqK);
    }

    /// <summary>One past the last key of the band (and chunk) of the row whose diagonal is <paramref name="diagonal"/>, in <c>[0, seqK]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long BandEnd(long diagonal, bool hasRightBound, long right, long chunkSize, int seqK)
    {
        long end = hasRightBound ? diagonal + right + 1 : seqK;
        if (chunkSize > 0)
        {
            long chunkEnd = ChunkStart(diagonal, chunkSize) + chunkSize;
            end = end < chunkEnd ? end : chunkEnd;
        }

        return Clamp(end, seqK);
    }

    /// <summary>
    /// One past the last sink key the row sees: <c>min(SinkTokens, d - Left, d + Right + 1)</c> clamped to <c>[0, seqK]</c>,
    /// so the sinks stop where the band starts, and a sink after the row's right bound stays hidden. 0 without sinks or
    /// without a left bound (every earlier key is in the band then).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long SinkEnd(long diagonal, bool hasLeftBound, long left, bool hasRightBound, long right, long sinkTokens, int seqK)
    {
        if (sinkTokens <= 0 || !hasLeftBound)
        {
            return 0;
        }

        long end = diagonal - left < sinkTokens ? diagonal - left : sinkTokens;
        if (hasRightBound && diagonal + right + 1 < end)
        {
            end = diagonal + right + 1;
        }

        return Clamp(end, seqK);
    }

    /// <summary>The first key of the chunk that holds position <paramref name="diagonal"/>; chunks are counted from key 0, so a negative diagonal lies in a chunk with no key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ChunkStart(long diagonal, long chunkSize) =>
        (diagonal >= 0 ? diagonal / chunkSize : -((-diagonal + chunkSize - 1) / chunkSize)) * chunkSize;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Clamp(long key, int seqK) => key < 0 ? 0 : key > seqK ? seqK : key;
}
