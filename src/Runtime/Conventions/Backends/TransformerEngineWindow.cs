using System;
using System.Collections.Generic;

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
        if (BackendDescriptor.For(Backend.TransformerEngine).ChunkOrSinkRefusal(this) is string refusal)
        {
            (window, reason) = (default, refusal);
            return false;
        }

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

/// <summary>Pins TransformerEngine's <c>window_size</c> and <c>attn_mask_type</c> on a spec, with TransformerEngine's defaults.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
sealed class TransformerEngineWindowAttribute : Attribute
{
    /// <summary><c>window_size[0]</c>.</summary>
    public int WindowSizeLeft { get; set; } = -1;

    /// <summary><c>window_size[1]</c>.</summary>
    public int WindowSizeRight { get; set; } = -1;

    /// <summary><c>attn_mask_type</c>; <c>"causal"</c> by default, as in <c>DotProductAttention</c>.</summary>
    public TransformerEngineMaskType AttnMaskType { get; set; } = TransformerEngineMaskType.Causal;

    /// <summary><c>bottom_right_diagonal</c>, for <c>no_mask</c> windows.</summary>
    public bool BottomRightDiagonal { get; set; } = true;
}

/// <summary>TransformerEngine's <c>DotProductAttention</c>.</summary>
internal sealed class TransformerEngineBackend : BackendDescriptor<TransformerEngineWindow, TransformerEngineWindowAttribute>
{
    public override Backend Backend => Backend.TransformerEngine;

    public override string DisplayName => "TransformerEngine";

    public override string NormalForm => "L = window_size[0], R = window_size[1] (0 for causal types); -1 = unbounded";

    public override string Source => "TransformerEngine `pytorch/attention/dot_product_attention/utils.py` (`get_full_mask`); issue #1197, PR #1212";

    public override int? UnboundedSentinel => -1;

    public override string AlignmentRule => "aligns its 'causal' mask type top-left and its '*_bottom_right' types bottom-right";

    // A causal spec maps to a causal mask type, whose alignment the type itself fixes; no_mask windows are bottom-right by default.
    public override WindowAlignment? ImpliedAlignment(bool causal) => causal ? null : WindowAlignment.BottomRight;

    public override bool TryReadConvention(int? left, int? right, bool causal, out int? canonicalLeft, out int? canonicalRight, out string? error)
    {
        var window = AttentionWindow.FromTransformerEngine(new TransformerEngineWindow(left ?? -1, right ?? -1, TransformerEngineMaskType.NoMask, true));
        (canonicalLeft, canonicalRight, error) = (window.Left, window.Right, null);
        return true;
    }

    protected override bool TryConvert(AttentionWindow window, out TransformerEngineWindow parameters, out string? reason) =>
        window.TryToTransformerEngine(out parameters, out reason);

    protected override AttentionWindow ToWindow(TransformerEngineWindow parameters) => AttentionWindow.FromTransformerEngine(parameters);

    protected override bool IsVisible(TransformerEngineWindow parameters, int query, int key, int seqQ, int seqK) =>
        parameters.IsVisible(query, key, seqQ, seqK);

    protected override TransformerEngineWindow? Read(PinArguments pin) => new TransformerEngineWindow(
        pin.Get<int>(nameof(TransformerEngineWindowAttribute.WindowSizeLeft)) ?? PinDefaults.WindowSizeLeft,
        pin.Get<int>(nameof(TransformerEngineWindowAttribute.WindowSizeRight)) ?? PinDefaults.WindowSizeRight,
        pin.Get<TransformerEngineMaskType>(nameof(TransformerEngineWindowAttribute.AttnMaskType)) ?? PinDefaults.AttnMaskType,
        pin.Get<bool>(nameof(TransformerEngineWindowAttribute.BottomRightDiagonal)) ?? PinDefaults.BottomRightDiagonal);

    protected override GeneratedBackendClass Describe(TransformerEngineWindow parameters)
    {
        var conditions = new List<string> { "col >= 0", "col < seqK" };
        if (parameters.WindowSizeRight >= 0)
        {
            conditions.Add("!(col > diagonal + WindowSizeRight)");
        }

        if (parameters.WindowSizeLeft >= 0)
        {
            conditions.Add("!(col < diagonal - WindowSizeLeft)");
        }

        var maskType = parameters.AttnMaskType switch
        {
            TransformerEngineMaskType.Causal => "causal",
            TransformerEngineMaskType.CausalBottomRight => "causal_bottom_right",
            _ => "no_mask",
        };
        var bottomRight = parameters.Alignment == WindowAlignment.BottomRight;
        var usage = $"attn = DotProductAttention(num_heads, head_dim, attn_mask_type=\"{maskType}\", window_size=({parameters.WindowSizeLeft}, {parameters.WindowSizeRight}))";
        return new(
            new[]
            {
                BackendConstant.Int("WindowSizeLeft", parameters.WindowSizeLeft, "window_size[0]: keys before the diagonal (-1: all)."),
                BackendConstant.Int("WindowSizeRight", parameters.WindowSizeRight, "window_size[1]: keys after the diagonal (-1: all)."),
                BackendConstant.Enum("AttnMaskType", parameters.AttnMaskType, $"attn_mask_type=\"{maskType}\"."),
                BackendConstant.Bool("BottomRightDiagonal", bottomRight, "bottom_right_diagonal: the alignment of no_mask windows."),
            },
            "WindowSizeLeft, WindowSizeRight, AttnMaskType, BottomRightDiagonal",
            "row", "col", "seqQ", "seqK",
            new[] { "// get_full_mask: masked when col > diagonal + right or col < diagonal - left.", bottomRight ? "long diagonal = row + ((long)seqK - seqQ);" : "long diagonal = row;" },
            conditions,
            parameters.AttnMaskType == TransformerEngineMaskType.NoMask
                ? new[] { usage, $"out = attn(q, k, v, bottom_right_diagonal={(bottomRight ? "True" : "False")})" }
                : new[] { usage, "out = attn(q, k, v)" });
    }
}
