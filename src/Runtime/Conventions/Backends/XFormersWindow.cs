namespace KernelGen;

/// <summary>
/// xformers' <c>LocalAttentionFromBottomRightMask(window_left=WindowLeft, window_right=WindowRight)</c>: inclusive,
/// non-negative, bottom-right (<c>xformers/ops/fmha/attn_bias.py</c>). Its causal-local masks of width W are
/// <c>(W - 1, 0)</c>.
/// </summary>
/// <param name="WindowLeft">Keys before the diagonal.</param>
/// <param name="WindowRight">Keys after the diagonal.</param>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct XFormersWindow(int WindowLeft, int WindowRight)
{
    /// <summary>xformers' <c>materialize</c>: <c>tril(diagonal=window_right + shift).triu(diagonal=-window_left + shift)</c>, <c>shift = seqK - seqQ</c>.</summary>
    public bool IsVisible(int row, int col, int seqQ, int seqK)
    {
        var offset = col - (row + ((long)seqK - seqQ));
        return col >= 0 && col < seqK && offset <= WindowRight && offset >= -(long)WindowLeft;
    }
}

readonly partial record struct AttentionWindow
{
    /// <summary>This window as xformers' <c>LocalAttentionFromBottomRightMask</c>, or the reason it has none.</summary>
    public bool TryToXFormers(out XFormersWindow window, out string? reason)
    {
        window = default;
        reason = Alignment != WindowAlignment.BottomRight ? "LocalAttentionFromBottomRightMask aligns the diagonal bottom-right"
            : Left is null || Right is null ? "LocalAttentionFromBottomRightMask needs both bounds; use LowerTriangularMask or no bias for unbounded sides"
            : Left < 0 || Right < 0 ? "xformers requires window_left and window_right of 0 or more"
            : null;
        if (reason is null)
        {
            window = new XFormersWindow(Left!.Value, Right!.Value);
        }

        return reason is null;
    }

    /// <summary>This window as xformers' <c>LocalAttentionFromBottomRightMask</c>.</summary>
    /// <exception cref="WindowNotExpressibleException">xformers cannot express it.</exception>
    public XFormersWindow ToXFormers() =>
        TryToXFormers(out var window, out var reason) ? window : throw new WindowNotExpressibleException(Backend.XFormers, this, reason!);

    /// <summary>The window xformers applies for <paramref name="window"/>.</summary>
    public static AttentionWindow FromXFormers(XFormersWindow window) => new(window.WindowLeft, window.WindowRight);
}
