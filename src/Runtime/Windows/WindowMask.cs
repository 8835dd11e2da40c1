using System.Runtime.CompilerServices;

namespace KernelGen;

/// <summary>
/// The per-element mask every generated kernel runs, ILGPU and CPU alike, generic over the window's bounds so that a
/// spec's baked bounds fold into it. Kernels evaluate it only on the key tiles that <see cref="KeyTilePlan"/> marks
/// as crossing a window, chunk or sink edge. The row arithmetic is <see cref="WindowRows"/>'.
/// </summary>
/// <remarks>Plain arithmetic on value types only, so ILGPU kernels can call it.</remarks>
public static class WindowMask
{
    /// <summary>
    /// Whether <paramref name="key"/> (at least 0) is visible to <paramref name="query"/>: inside the row's band (cut to its
    /// chunk when the window is chunked), or one of its sink keys.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsVisible<TWindow>(TWindow window, long query, long key, long diagonalOffset, int seqK)
        where TWindow : struct, IWindowBounds
    {
        long diagonal = query + diagonalOffset;
        return (key >= WindowRows.BandStart(diagonal, window.HasLeftBound, window.Left, window.ChunkSize, seqK)
                && key < WindowRows.BandEnd(diagonal, window.HasRightBound, window.Right, window.ChunkSize, seqK))
            || key < SinkEnd(window, query, diagonalOffset, seqK);
    }

    /// <summary>
    /// The band (and chunk) keys visible to <paramref name="query"/> as a half-open range <c>[Start, End)</c> inside
    /// <c>[0, seqK]</c>; empty (<c>Start == End</c>) when it sees none. The row's sink keys, <c>[0, SinkEnd)</c>, come on top.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static KeyRange VisibleKeys<TWindow>(TWindow window, long query, long diagonalOffset, int seqK)
        where TWindow : struct, IWindowBounds
    {
        long diagonal = query + diagonalOffset;
        long start = WindowRows.BandStart(diagonal, window.HasLeftBound, window.Left, window.ChunkSize, seqK);
        long end = WindowRows.BandEnd(diagonal, window.HasRightBound, window.Right, window.ChunkSize, seqK);
        return end > start ? new KeyRange((int)start, (int)end) : new KeyRange((int)start, (int)start);
    }

    /// <summary>One past the last sink key visible to <paramref name="query"/>: its sink keys are <c>[0, SinkEnd)</c>, before its band.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SinkEnd<TWindow>(TWindow window, long query, long diagonalOffset, int seqK)
        where TWindow : struct, IWindowBounds =>
        (int)WindowRows.SinkEnd(query + diagonalOffset, window.HasLeftBound, window.Left, window.HasRightBound, window.Right, window.SinkTokens, seqK);

    /// <summary>
    /// Whether <paramref name="query"/> sees any key at all: a row that sees keys but sums to zero weight (every visible
    /// score -inf) is 0/0, not an empty row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool SeesAnyKey<TWindow>(TWindow window, long query, long diagonalOffset, int seqK)
        where TWindow : struct, IWindowBounds =>
        !VisibleKeys(window, query, diagonalOffset, seqK).IsEmpty || SinkEnd(window, query, diagonalOffset, seqK) > 0;
}
