namespace KernelGen;

/// <summary>
/// HF transformers' <c>config.sliding_window = SlidingWindow</c> (<c>src/transformers/masking_utils.py</c>): causal
/// <c>q - W &lt; kv &lt;= q</c> (W keys, the query's own included), bidirectional <c>|q - kv| &lt;= W</c>. Positions
/// are absolute (cache positions), which is bottom-right alignment.
/// </summary>
/// <param name="SlidingWindow">The window size W.</param>
/// <param name="IsCausal">The causal overlay (decoders) or the bidirectional one (encoders).</param>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct HuggingFaceWindow(int SlidingWindow, bool IsCausal)
{
    /// <summary>HF's mask functions on absolute positions: the query's position is <c>q + kvLen - qLen</c>.</summary>
    public bool IsVisible(int qIdx, int kvIdx, int qLen, int kvLen)
    {
        long q = qIdx + ((long)kvLen - qLen);
        var inside = IsCausal ? kvIdx > q - SlidingWindow && kvIdx <= q : System.Math.Abs(q - kvIdx) <= SlidingWindow;
        return kvIdx >= 0 && kvIdx < kvLen && inside;
    }
}

readonly partial record struct AttentionWindow
{
    /// <summary>This window as HF's <c>sliding_window</c>, or the reason it has none.</summary>
    public bool TryToHuggingFace(out HuggingFaceWindow window, out string? reason)
    {
        window = default;
        if (Alignment != WindowAlignment.BottomRight)
        {
            reason = "HF transformers masks absolute positions, which is bottom-right alignment";
        }
        else if (Left is int left && left >= 0 && Right == 0)
        {
            reason = left == int.MaxValue ? "sliding_window would be Left + 1 = 2147483648, beyond int" : null;
            window = new HuggingFaceWindow(left + 1, IsCausal: true);
        }
        else if (Left is int both && both > 0 && Right == both)
        {
            reason = null;
            window = new HuggingFaceWindow(both, IsCausal: false);
        }
        else
        {
            reason = "sliding_window describes a causal window (W - 1, 0) or a symmetric one (W, W), nothing else";
        }

        return reason is null;
    }

    /// <summary>This window as HF's <c>sliding_window</c>: <c>Left + 1</c> for a causal window.</summary>
    /// <exception cref="WindowNotExpressibleException">HF cannot express it.</exception>
    public HuggingFaceWindow ToHuggingFace() =>
        TryToHuggingFace(out var window, out var reason) ? window : throw new WindowNotExpressibleException(Backend.HuggingFace, this, reason!);

    /// <summary>The window HF applies for <paramref name="window"/>.</summary>
    public static AttentionWindow FromHuggingFace(HuggingFaceWindow window)
    {
        if (window.SlidingWindow < 1)
        {
            throw new System.ArgumentOutOfRangeException(nameof(window), window.SlidingWindow, "sliding_window must be at least 1.");
        }

        return window.IsCausal ? new(window.SlidingWindow - 1, 0) : new(window.SlidingWindow, window.SlidingWindow);
    }
}
