namespace KernelGen;

/// <summary>
/// A PyTorch FlexAttention <c>mask_mod</c> for a sliding window, after attention-gym's <c>sliding_window</c>
/// (<c>q_idx - kv_idx &lt;= window</c>): FlexAttention sees raw indices, so a bottom-right window adds
/// <c>KV_LEN - Q_LEN</c> to the query index itself.
/// </summary>
/// <param name="WindowLeft">Keys before the diagonal, or <see langword="null"/> for all of them.</param>
/// <param name="WindowRight">Keys after the diagonal, or <see langword="null"/> for all of them.</param>
/// <param name="Alignment">Whether <c>mask_mod</c> shifts the query index by <c>KV_LEN - Q_LEN</c>.</param>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct FlexAttentionWindow(int? WindowLeft, int? WindowRight, WindowAlignment Alignment)
{
    /// <summary>The <c>mask_mod</c> test: <c>q - kv &lt;= left</c> and <c>kv - q &lt;= right</c>, with <c>q</c> shifted for bottom-right.</summary>
    public bool IsVisible(int qIdx, int kvIdx, int qLen, int kvLen)
    {
        long q = Alignment == WindowAlignment.BottomRight ? qIdx + ((long)kvLen - qLen) : qIdx;
        return kvIdx >= 0 && kvIdx < kvLen
            && (WindowLeft is not int left || q - kvIdx <= left)
            && (WindowRight is not int right || kvIdx - q <= right);
    }
}

readonly partial record struct AttentionWindow
{
    /// <summary>This window as a FlexAttention <c>mask_mod</c>; every window has one.</summary>
    public bool TryToFlexAttention(out FlexAttentionWindow window, out string? reason)
    {
        window = new FlexAttentionWindow(Left, Right, Alignment);
        reason = null;
        return true;
    }

    /// <summary>This window as a FlexAttention <c>mask_mod</c>.</summary>
    public FlexAttentionWindow ToFlexAttention() => new(Left, Right, Alignment);

    /// <summary>The window a FlexAttention <c>mask_mod</c> applies.</summary>
    public static AttentionWindow FromFlexAttention(FlexAttentionWindow window) => new(window.WindowLeft, window.WindowRight, window.Alignment);
}
