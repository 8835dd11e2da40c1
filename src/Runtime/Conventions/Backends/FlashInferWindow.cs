namespace KernelGen;

/// <summary>
/// FlashInfer's <c>window_left</c> (and, on the backends that have it, <c>window_right</c>): inclusive, <c>-1</c> =
/// unbounded, bottom-right (<c>include/flashinfer/attention/variants.cuh</c>).
/// </summary>
/// <param name="WindowLeft">Keys before the diagonal, or -1 for all of them.</param>
/// <param name="WindowRight">Keys after the diagonal, or -1 for all of them.</param>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct FlashInferWindow(int WindowLeft, int WindowRight)
{
    /// <summary>FlashInfer's test: <c>kv_idx + window_left &gt;= qo_idx + kv_len - qo_len</c>, mirrored on the right.</summary>
    public bool IsVisible(int qoIdx, int kvIdx, int qoLen, int kvLen)
    {
        long diagonal = qoIdx + ((long)kvLen - qoLen);
        return kvIdx >= 0 && kvIdx < kvLen
            && (WindowLeft < 0 || (long)kvIdx + WindowLeft >= diagonal)
            && (WindowRight < 0 || kvIdx <= diagonal + WindowRight);
    }
}

readonly partial record struct AttentionWindow
{
    /// <summary>This window as FlashInfer's <c>window_left</c>/<c>window_right</c>, or the reason it has none.</summary>
    public bool TryToFlashInfer(out FlashInferWindow window, out string? reason)
    {
        window = default;
        reason = Alignment != WindowAlignment.BottomRight ? "FlashInfer aligns the diagonal bottom-right only"
            : Left < 0 || Right < 0 ? "FlashInfer reads -1 as 'unbounded' and cannot move the band off the diagonal"
            : null;
        if (reason is null)
        {
            window = new FlashInferWindow(Left ?? -1, Right ?? -1);
        }

        return reason is null;
    }

    /// <summary>This window as FlashInfer's <c>window_left</c>/<c>window_right</c>.</summary>
    /// <exception cref="WindowNotExpressibleException">FlashInfer cannot express it.</exception>
    public FlashInferWindow ToFlashInfer() =>
        TryToFlashInfer(out var window, out var reason) ? window : throw new WindowNotExpressibleException(Backend.FlashInfer, this, reason!);

    /// <summary>The window FlashInfer applies for <paramref name="window"/>.</summary>
    public static AttentionWindow FromFlashInfer(FlashInferWindow window) =>
        new(Sentinel(window.WindowLeft, nameof(window.WindowLeft)), Sentinel(window.WindowRight, nameof(window.WindowRight)));
}
