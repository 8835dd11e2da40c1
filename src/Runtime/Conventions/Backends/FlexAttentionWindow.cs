using System;
using System.Collections.Generic;

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
        if (BackendDescriptor.For(Backend.FlexAttention).ChunkOrSinkRefusal(this) is string refusal)
        {
            (window, reason) = (default, refusal);
            return false;
        }

        window = new FlexAttentionWindow(Left, Right, Alignment);
        reason = null;
        return true;
    }

    /// <summary>This window as a FlexAttention <c>mask_mod</c>.</summary>
    public FlexAttentionWindow ToFlexAttention() => new(Left, Right, Alignment);

    /// <summary>The window a FlexAttention <c>mask_mod</c> applies.</summary>
    public static AttentionWindow FromFlexAttention(FlexAttentionWindow window) => new(window.WindowLeft, window.WindowRight, window.Alignment);
}

/// <summary>Pins a FlexAttention sliding-window <c>mask_mod</c> on a spec. Omitted bounds are unbounded; raw indices (top-left) by default.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
sealed class FlexAttentionWindowAttribute : Attribute
{
    /// <summary><c>q_idx - kv_idx &lt;= WindowLeft</c>.</summary>
    public int WindowLeft { get; set; }

    /// <summary><c>kv_idx - q_idx &lt;= WindowRight</c>.</summary>
    public int WindowRight { get; set; }

    /// <summary>Whether <c>mask_mod</c> shifts <c>q_idx</c> by <c>KV_LEN - Q_LEN</c>.</summary>
    public WindowAlignment Alignment { get; set; } = WindowAlignment.TopLeft;
}

/// <summary>PyTorch FlexAttention, with attention-gym's sliding-window <c>mask_mod</c>.</summary>
internal sealed class FlexAttentionBackend : BackendDescriptor<FlexAttentionWindow, FlexAttentionWindowAttribute>
{
    public override Backend Backend => Backend.FlexAttention;

    public override string DisplayName => "FlexAttention";

    public override string NormalForm => "mask_mod: q - kv <= L and kv - q <= R, q shifted by KV_LEN - Q_LEN for bottom-right";

    public override string Source => "attention-gym `attn_gym/masks/sliding_window.py`";

    public override string AlignmentRule => "compares raw q_idx and kv_idx in mask_mod, which is top-left unless you add an offset";

    public override WindowAlignment? ImpliedAlignment(bool causal) => null;

    public override bool TryReadConvention(int? left, int? right, bool causal, out int? canonicalLeft, out int? canonicalRight, out string? error)
    {
        var window = AttentionWindow.FromFlexAttention(new FlexAttentionWindow(left, right, WindowAlignment.BottomRight));
        (canonicalLeft, canonicalRight, error) = (window.Left, window.Right, null);
        return true;
    }

    protected override bool TryConvert(AttentionWindow window, out FlexAttentionWindow parameters, out string? reason) =>
        window.TryToFlexAttention(out parameters, out reason);

    protected override AttentionWindow ToWindow(FlexAttentionWindow parameters) => AttentionWindow.FromFlexAttention(parameters);

    protected override bool IsVisible(FlexAttentionWindow parameters, int query, int key, int seqQ, int seqK) =>
        parameters.IsVisible(query, key, seqQ, seqK);

    // An omitted bound is no condition in mask_mod; only the alignment has a default.
    protected override FlexAttentionWindow? Read(PinArguments pin) => new FlexAttentionWindow(
        pin.Get<int>(nameof(FlexAttentionWindowAttribute.WindowLeft)),
        pin.Get<int>(nameof(FlexAttentionWindowAttribute.WindowRight)),
        pin.Get<WindowAlignment>(nameof(FlexAttentionWindowAttribute.Alignment)) ?? PinDefaults.Alignment);

    protected override GeneratedBackendClass Describe(FlexAttentionWindow parameters)
    {
        var constants = new List<BackendConstant>();
        var conditions = new List<string> { "kvIdx >= 0", "kvIdx < kvLen" };
        var python = new List<string>();
        if (parameters.WindowLeft is int left)
        {
            constants.Add(BackendConstant.Int("WindowLeft", left, "mask_mod: q_idx - kv_idx <= WindowLeft."));
            conditions.Add("q - kvIdx <= WindowLeft");
            python.Add($"(q - kv_idx <= {left})");
        }

        if (parameters.WindowRight is int right)
        {
            constants.Add(BackendConstant.Int("WindowRight", right, "mask_mod: kv_idx - q_idx <= WindowRight."));
            conditions.Add("kvIdx - q <= WindowRight");
            python.Add($"(kv_idx - q <= {right})");
        }

        var bottomRight = parameters.Alignment == WindowAlignment.BottomRight;
        constants.Add(BackendConstant.Enum("Alignment", parameters.Alignment, "FlexAttention sees raw indices: bottom-right windows shift q_idx by KV_LEN - Q_LEN."));
        return new(
            constants,
            $"{(parameters.WindowLeft.HasValue ? "WindowLeft" : "null")}, {(parameters.WindowRight.HasValue ? "WindowRight" : "null")}, Alignment",
            "qIdx", "kvIdx", "qLen", "kvLen",
            new[] { bottomRight ? "long q = qIdx + ((long)kvLen - qLen);" : "long q = qIdx;" },
            conditions,
            new[]
            {
                "def mask_mod(b, h, q_idx, kv_idx):",
                bottomRight ? "    q = q_idx + (KV_LEN - Q_LEN)  # bottom-right alignment" : "    q = q_idx  # top-left alignment",
                $"    return {(python.Count == 0 ? "q_idx >= 0" : string.Join(" & ", python))}",
                "block_mask = create_block_mask(mask_mod, B, H, Q_LEN, KV_LEN)",
                "out = flex_attention(q, k, v, block_mask=block_mask)",
            });
    }
}
