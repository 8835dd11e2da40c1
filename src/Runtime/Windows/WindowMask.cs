using System.Runtime.CompilerServices;

namespace KernelGen;

/// <summary>
/// The per-element mask every generated kernel runs, ILGPU and CPU alike, generic over the window's bounds so that a
/// spec's baked bounds fold into it. Kernels evaluate it only on the key tiles that <see cref="KeyTilePlan"/> marks
/// as crossing a window edge.
/// </summary>
/// <remarks>Plain arithmetic on value types only, so ILGPU kernels can call it.</remarks>
public static class WindowMask
{
    /// <summary>
    /// Whether <paramref name="key"/> is visible to <paramref name="query"/>: <c>key &lt; seqK</c> and
    /// <c>query + diagonalOffset - Left &lt;= key &lt;= query + diagonalOffset + Right</c>, a side dropping out when it has no bound.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsVisible<TWindow>(TWindow window, long query, long key, long diagonalOffset, int seqK)
        where TWindow : struct, IWindowBounds =>
        key < seqK
        && (!window.HasLeftBound || key >= query + diagonalOffset - window.Left)
        && (!window.HasRightBound || key <= query + diagonalOffset + window.Right);

    /// <summary>
    /// The keys visible to <paramref name="query"/> as a half-open range <c>[Start, End)</c> inside <c>[0, seqK]</c>;
    /// empty (<c>Start == End</c>) when it sees none. Key <c>j</c> is visible iff <c>Start &lt;= j &lt; End</c>, exactly
    /// when <see cref="IsVisible"/> says so for <c>0 &lt;= j</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static KeyRange VisibleKeys<TWindow>(TWindow window, long query, long diagonalOffset, int seqK)
        where TWindow : struct, IWindowBounds
    {
        long start = FirstKey(window, query, diagonalOffset, seqK);
        long end = EndKey(window, query, diagonalOffset, seqK);
        return end > start ? new KeyRange((int)start, (int)end) : new KeyRange((int)start, (int)start);
    }

    /// <summary>
    /// Whether <paramref name="query"/> sees any key at all: a row that sees keys but sums to zero weight (every visible
    /// score -inf) is 0/0, not an empty row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool SeesAnyKey<TWindow>(TWindow window, long query, long diagonalOffset, int seqK)
        where TWindow : struct, IWindowBounds =>
        EndKey(window, query, diagonalOffset, seqK) > FirstKey(window, query, diagonalOffset, seqK);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long FirstKey<TWindow>(TWindow window, long query, long diagonalOffset, int seqK)
        where TWindow : struct, IWindowBounds =>
        window.HasLeftBound ? Clamp(query + diagonalOffset - window.Left, seqK) : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long EndKey<TWindow>(TWindow window, long query, long diagonalOffset, int seqK)
        where TWindow : struct, IWindowBounds =>
        window.HasRightBound ? Clamp(query + diagonalOffset + window.Right + 1, seqK) : seqK;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Clamp(long key, int seqK) => key < 0 ? 0 : key > seqK ? seqK : key;
}
