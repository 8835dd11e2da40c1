using System;

namespace KernelGen;

// The numbers you pass to a backend, pinned on a spec in that backend's own parameter names. The generator
// reads each pin exactly as the backend would (omitted parameters take the backend's own defaults) and fails
// the build (KG0016) when the pinned numbers show other keys than the spec's window, with the right numbers.
// A pin also makes its backend a target (KG0017 when the backend cannot express the window at all).

/// <summary>FlashAttention 2/3's <c>window_size</c>. Omitted values are <c>-1</c> (unbounded), FlashAttention's default.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class FlashAttentionWindowAttribute : Attribute
{
    /// <summary><c>window_size[0]</c>.</summary>
    public int WindowSizeLeft { get; set; } = -1;

    /// <summary><c>window_size[1]</c>.</summary>
    public int WindowSizeRight { get; set; } = -1;
}

/// <summary>FlashAttention 4's <c>window_size</c>. Omitted values are <c>None</c> (unbounded).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class FlashAttention4WindowAttribute : Attribute
{
    /// <summary><c>window_size[0]</c>; negative values are literal offsets.</summary>
    public int WindowSizeLeft { get; set; }

    /// <summary><c>window_size[1]</c>; negative values are literal offsets.</summary>
    public int WindowSizeRight { get; set; }
}

/// <summary>cuDNN's diagonal band. Omitted bounds are not set; the alignment defaults to cuDNN's TOP_LEFT.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class CuDnnWindowAttribute : Attribute
{
    /// <summary><c>diagonal_band_left_bound</c> (exclusive: it counts the diagonal key).</summary>
    public int DiagonalBandLeftBound { get; set; }

    /// <summary><c>diagonal_band_right_bound</c>.</summary>
    public int DiagonalBandRightBound { get; set; }

    /// <summary><c>diagonal_alignment</c>.</summary>
    public WindowAlignment DiagonalAlignment { get; set; } = WindowAlignment.TopLeft;
}

/// <summary>TransformerEngine's <c>window_size</c> and <c>attn_mask_type</c>, with TransformerEngine's defaults.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class TransformerEngineWindowAttribute : Attribute
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

/// <summary>A FlexAttention sliding-window <c>mask_mod</c>. Omitted bounds are unbounded; raw indices (top-left) by default.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class FlexAttentionWindowAttribute : Attribute
{
    /// <summary><c>q_idx - kv_idx &lt;= WindowLeft</c>.</summary>
    public int WindowLeft { get; set; }

    /// <summary><c>kv_idx - q_idx &lt;= WindowRight</c>.</summary>
    public int WindowRight { get; set; }

    /// <summary>Whether <c>mask_mod</c> shifts <c>q_idx</c> by <c>KV_LEN - Q_LEN</c>.</summary>
    public WindowAlignment Alignment { get; set; } = WindowAlignment.TopLeft;
}

/// <summary>HF transformers' <c>config.sliding_window</c>; causal unless <see cref="IsCausal"/> is false.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class HuggingFaceWindowAttribute : Attribute
{
    /// <summary><c>sliding_window</c> (required).</summary>
    public int SlidingWindow { get; set; }

    /// <summary>The causal (decoder) or bidirectional (encoder) overlay.</summary>
    public bool IsCausal { get; set; } = true;
}

/// <summary>FlashInfer's <c>window_left</c> and <c>window_right</c>. Omitted values are <c>-1</c> (unbounded).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class FlashInferWindowAttribute : Attribute
{
    /// <summary><c>window_left</c>.</summary>
    public int WindowLeft { get; set; } = -1;

    /// <summary><c>window_right</c>.</summary>
    public int WindowRight { get; set; } = -1;
}

/// <summary>ONNX Runtime GroupQueryAttention's <c>local_window_size</c>. Omitted: <c>-1</c> (unbounded).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class OnnxRuntimeWindowAttribute : Attribute
{
    /// <summary><c>local_window_size</c>.</summary>
    public int LocalWindowSize { get; set; } = -1;
}

/// <summary>xformers' <c>LocalAttentionFromBottomRightMask(window_left, window_right)</c>; both required.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class XFormersWindowAttribute : Attribute
{
    /// <summary><c>window_left</c>.</summary>
    public int WindowLeft { get; set; }

    /// <summary><c>window_right</c>.</summary>
    public int WindowRight { get; set; }
}

/// <summary>JAX's <c>local_window_size=(Left, Right)</c>; both required.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class JaxWindowAttribute : Attribute
{
    /// <summary><c>local_window_size[0]</c>.</summary>
    public int Left { get; set; }

    /// <summary><c>local_window_size[1]</c>.</summary>
    public int Right { get; set; }
}
