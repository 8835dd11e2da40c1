namespace KernelGen;

/// <summary>
/// FlashAttention 2 and 3: <c>flash_attn_func(..., window_size=(WindowSizeLeft, WindowSizeRight))</c>, both inclusive,
/// <c>-1</c> = unbounded, always bottom-right (<c>csrc/flash_attn/src/mask.h</c>).
/// </summary>
/// <param name="WindowSizeLeft">Keys before the diagonal, or -1 for all of them.</param>
/// <param name="WindowSizeRight">Keys after the diagonal, or -1 for all of them.</param>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct FlashAttentionWindow(int WindowSizeLeft, int WindowSizeRight)
{
    /// <summary>FlashAttention's own test, as in <c>mask.h</c>: key <c>col</c> is masked below <c>row + seqK - seqQ - left</c> and from <c>row + 1 + seqK - seqQ + right</c> on.</summary>
    public bool IsVisible(int row, int col, int seqQ, int seqK)
    {
        long shift = (long)seqK - seqQ;
        var limitLeft = WindowSizeLeft < 0 ? 0 : row + shift - WindowSizeLeft;
        var limitRight = WindowSizeRight < 0 ? seqK : row + 1 + shift + WindowSizeRight;
        return col >= 0 && col < seqK && col >= limitLeft && col < limitRight;
    }
}

readonly partial record struct AttentionWindow
{
    /// <summary>This window as FlashAttention 2/3's <c>window_size</c>, or the reason it has none.</summary>
    public bool TryToFlashAttention(out FlashAttentionWindow window, out string? reason)
    {
        window = default;
        reason = Alignment != WindowAlignment.BottomRight ? "FlashAttention aligns the diagonal bottom-right only"
            : Left < 0 || Right < 0 ? "FlashAttention 2/3 read -1 as 'unbounded' and cannot move the band off the diagonal"
            : null;
        if (reason is null)
        {
            window = new FlashAttentionWindow(Left ?? -1, Right ?? -1);
        }

        return reason is null;
    }

    /// <summary>This window as FlashAttention 2/3's <c>window_size</c>.</summary>
    /// <exception cref="WindowNotExpressibleException">FlashAttention cannot express it.</exception>
    public FlashAttentionWindow ToFlashAttention() =>
        TryToFlashAttention(out var window, out var reason) ? window : throw new WindowNotExpressibleException(Backend.FlashAttention2, this, reason!);

    /// <summary>The window FlashAttention 2/3 applies for <paramref name="window"/>.</summary>
    public static AttentionWindow FromFlashAttention(FlashAttentionWindow window) =>
        new(Sentinel(window.WindowSizeLeft, nameof(window.WindowSizeLeft)), Sentinel(window.WindowSizeRight, nameof(window.WindowSizeRight)));

    /// <summary>Reads a bound where -1 means unbounded; other negative values are not defined.</summary>
    private static int? Sentinel(int value, string name) => value switch
    {
        -1 => null,
        < 0 => throw new System.ArgumentOutOfRangeException(name, value, $"{name} must be -1 (unbounded) or at least 0."),
        _ => value,
    };
}
