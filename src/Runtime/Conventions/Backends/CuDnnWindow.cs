namespace KernelGen;

/// <summary>
/// cuDNN frontend's SDPA diagonal band: key <c>j</c> is visible iff <c>j + DiagonalBandLeftBound &gt; diagonal</c> and
/// <c>j &lt;= diagonal + DiagonalBandRightBound</c>, so the left bound is exclusive: it counts the diagonal key
/// itself (<c>include/cudnn_frontend/graph_properties.h</c>; <c>diagonal_alignment</c> defaults to TOP_LEFT).
/// </summary>
/// <param name="DiagonalBandLeftBound"><c>set_diagonal_band_left_bound</c> (alias <c>sliding_window_length</c>), or <see langword="null"/> for none.</param>
/// <param name="DiagonalBandRightBound"><c>set_diagonal_band_right_bound</c>, or <see langword="null"/> for none.</param>
/// <param name="DiagonalAlignment"><c>set_diagonal_alignment</c>: TOP_LEFT or BOTTOM_RIGHT.</param>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct CuDnnWindow(int? DiagonalBandLeftBound, int? DiagonalBandRightBound, WindowAlignment DiagonalAlignment)
{
    /// <summary>cuDNN's test, as in its generated SDPA kernels: <c>key + leftBound &gt; diagonal</c> and <c>key &lt;= diagonal + rightBound</c>.</summary>
    public bool IsVisible(int query, int key, int seqQ, int seqK)
    {
        long diagonal = DiagonalAlignment == WindowAlignment.BottomRight ? query + ((long)seqK - seqQ) : query;
        return key >= 0 && key < seqK
            && (DiagonalBandLeftBound is not int leftBound || (long)key + leftBound > diagonal)
            && (DiagonalBandRightBound is not int rightBound || key <= diagonal + rightBound);
    }
}

readonly partial record struct AttentionWindow
{
    /// <summary>This window as cuDNN's diagonal band, or the reason it has none.</summary>
    public bool TryToCuDnn(out CuDnnWindow window, out string? reason)
    {
        reason = Left == int.MaxValue ? "its left bound would be Left + 1 = 2147483648, beyond int" : null;
        window = reason is null ? new CuDnnWindow(Left + 1, Right, Alignment) : default;
        return reason is null;
    }

    /// <summary>This window as cuDNN's diagonal band: <c>DiagonalBandLeftBound = Left + 1</c>.</summary>
    /// <exception cref="WindowNotExpressibleException">The left bound overflows.</exception>
    public CuDnnWindow ToCuDnn() =>
        TryToCuDnn(out var window, out var reason) ? window : throw new WindowNotExpressibleException(Backend.CuDnn, this, reason!);

    /// <summary>The window cuDNN applies for <paramref name="window"/>: <c>Left = DiagonalBandLeftBound - 1</c>.</summary>
    public static AttentionWindow FromCuDnn(CuDnnWindow window) =>
        new(window.DiagonalBandLeftBound is int leftBound ? checked(leftBound - 1) : null, window.DiagonalBandRightBound, window.DiagonalAlignment);
}
