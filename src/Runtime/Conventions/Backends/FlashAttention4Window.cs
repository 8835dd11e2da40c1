namespace KernelGen;

/// <summary>
/// FlashAttention 4 (cute): <c>window_size=(WindowSizeLeft, WindowSizeRight)</c>, inclusive, <c>None</c> = unbounded;
/// negative values are literal offsets (<c>flash_attn/cute/mask.py</c>). Always bottom-right.
/// </summary>
/// <param name="WindowSizeLeft">Keys before the diagonal, or <see langword="null"/> (Python's None) for all of them.</param>
/// <param name="WindowSizeRight">Keys after the diagonal, or <see langword="null"/> for all of them.</param>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct FlashAttention4Window(int? WindowSizeLeft, int? WindowSizeRight)
{
    /// <summary>FlashAttention 4's test: <c>row + seqK - seqQ - left &lt;= col &lt;= row + seqK - seqQ + right</c>.</summary>
    public bool IsVisible(int row, int col, int seqQ, int seqK)
    {
        long diagonal = row + ((long)seqK - seqQ);
        return col >= 0 && col < seqK
            && (WindowSizeLeft is not int left || col >= diagonal - left)
            && (WindowSizeRight is not int right || col <= diagonal + right);
    }
}

readonly partial record struct AttentionWindow
{
    /// <summary>This window as FlashAttention 4's <c>window_size</c>, or the reason it has none.</summary>
    public bool TryToFlashAttention4(out FlashAttention4Window window, out string? reason)
    {
        reason = Alignment != WindowAlignment.BottomRight ? "FlashAttention aligns the diagonal bottom-right only" : null;
        window = reason is null ? new FlashAttention4Window(Left, Right) : default;
        return reason is null;
    }

    /// <summary>This window as FlashAttention 4's <c>window_size</c>.</summary>
    /// <exception cref="WindowNotExpressibleException">FlashAttention 4 cannot express it.</exception>
    public FlashAttention4Window ToFlashAttention4() =>
        TryToFlashAttention4(out var window, out var reason) ? window : throw new WindowNotExpressibleException(Backend.FlashAttention4, this, reason!);

    /// <summary>The window FlashAttention 4 applies for <paramref name="window"/>.</summary>
    public static AttentionWindow FromFlashAttention4(FlashAttention4Window window) => new(window.WindowSizeLeft, window.WindowSizeRight);
}
