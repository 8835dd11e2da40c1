namespace KernelGen;

/// <summary>TransformerEngine's <c>attn_mask_type</c> values that matter for a window.</summary>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
enum TransformerEngineMaskType
{
    /// <summary><c>"no_mask"</c>: the window alone decides, aligned by <c>bottom_right_diagonal</c>.</summary>
    NoMask = 0,

    /// <summary><c>"causal"</c>: right bound 0, aligned top-left.</summary>
    Causal = 1,

    /// <summary><c>"causal_bottom_right"</c>: right bound 0, aligned bottom-right.</summary>
    CausalBottomRight = 2,
}

/// <summary>
/// TransformerEngine's <c>DotProductAttention(window_size=(WindowSizeLeft, WindowSizeRight), attn_mask_type=...)</c>,
/// both inclusive, <c>-1</c> = unbounded (<c>transformer_engine/pytorch/attention/dot_product_attention/utils.py</c>,
/// <c>get_full_mask</c>). Its cuDNN path must pass <c>left + 1</c>: issue #1197, PR #1212.
/// </summary>
/// <param name="WindowSizeLeft">Keys before the diagonal, or -1 for all of them.</param>
/// <param name="WindowSizeRight">Keys after the diagonal, or -1 for all of them (0 with the causal mask types).</param>
/// <param name="AttnMaskType">The mask type, which also fixes the alignment of the causal types.</param>
/// <param name="BottomRightDiagonal">The alignment of <see cref="TransformerEngineMaskType.NoMask"/> windows.</param>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct TransformerEngineWindow(int WindowSizeLeft, int WindowSizeRight, TransformerEngineMaskType AttnMaskType, bool BottomRightDiagonal)
{
    /// <summary>The alignment TransformerEngine uses: top-left for <c>causal</c>, bottom-right for <c>causal_bottom_right</c>.</summary>
    public WindowAlignment Alignment => AttnMaskType switch
    {
        TransformerEngineMaskType.Causal => WindowAlignment.TopLeft,
        TransformerEngineMaskType.CausalBottomRight => WindowAlignment.BottomRight,
        _ => BottomRightDiagonal ? WindowAlignment.BottomRight : WindowAlignment.TopLeft,
    };

    /// <summary>TransformerEngine's <c>get_full_mask</c> test: masked when <c>col &gt; diag + right</c> or <c>col &lt; diag - left</c>.</summary>
    public bool IsVisible(int row, int col, int seqQ, int seqK)
    {
        long diagonal = Alignment == WindowAlignment.BottomRight ? row + ((long)seqK - seqQ) : row;
        var right = AttnMaskType == TransformerEngineMaskType.NoMask ? WindowSizeRight : 0;
        return col >= 0 && col < seqK
            && !(right >= 0 && col > diagonal + right)
            && !(WindowSizeLeft >= 0 && col < diagonal - WindowSizeLeft);
    }
}

readonly partial record struct AttentionWindow
{
    /// <summary>This window as TransformerEngine's <c>window_size</c> and mask type, or the reason it has none.</summary>
    public bool TryToTransformerEngine(out TransformerEngineWindow window, out string? reason)
    {
        window = default;
        reason = Left < 0 || Right < 0 ? "TransformerEngine reads -1 as 'unbounded' and cannot move the band off the diagonal" : null;
        if (reason is not null)
        {
            return false;
        }

        var bottomRight = Alignment == WindowAlignment.BottomRight;
        var maskType = Right != 0 ? TransformerEngineMaskType.NoMask
            : bottomRight ? TransformerEngineMaskType.CausalBottomRight : TransformerEngineMaskType.Causal;
        window = new TransformerEngineWindow(Left ?? -1, Right ?? -1, maskType, bottomRight);
        return true;
    }

    /// <summary>This window as TransformerEngine's <c>window_size</c> and mask type.</summary>
    /// <exception cref="WindowNotExpressibleException">TransformerEngine cannot express it.</exception>
    public TransformerEngineWindow ToTransformerEngine() =>
        TryToTransformerEngine(out var window, out var reason) ? window : throw new WindowNotExpressibleException(Backend.TransformerEngine, this, reason!);

    /// <summary>The window TransformerEngine applies for <paramref name="window"/>.</summary>
    public static AttentionWindow FromTransformerEngine(TransformerEngineWindow window) =>
        new(
            Sentinel(window.WindowSizeLeft, nameof(window.WindowSizeLeft)),
            window.AttnMaskType == TransformerEngineMaskType.NoMask ? Sentinel(window.WindowSizeRight, nameof(window.WindowSizeRight)) : 0,
            window.Alignment);
}
