using System;

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
        if (BackendDescriptor.For(Backend.XFormers).ChunkOrSinkRefusal(this) is string refusal)
        {
            (window, reason) = (default, refusal);
            return false;
        }

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

/// <summary>Pins xformers' <c>LocalAttentionFromBottomRightMask(window_left, window_right)</c> on a spec; both required.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
sealed class XFormersWindowAttribute : Attribute
{
    /// <summary><c>window_left</c>.</summary>
    public int WindowLeft { get; set; }

    /// <summary><c>window_right</c>.</summary>
    public int WindowRight { get; set; }
}

/// <summary>xformers' memory-efficient attention with a local bias.</summary>
internal sealed class XFormersBackend : BackendDescriptor<XFormersWindow, XFormersWindowAttribute>
{
    public override Backend Backend => Backend.XFormers;

    public override string DisplayName => "xformers";

    public override string NormalForm => "L = window_left, R = window_right";

    public override string Source => "xformers `xformers/ops/fmha/attn_bias.py`";

    public override bool TryReadConvention(int? left, int? right, bool causal, out int? canonicalLeft, out int? canonicalRight, out string? error)
    {
        (canonicalLeft, canonicalRight, error) = (left, right, null);
        return true;
    }

    protected override bool TryConvert(AttentionWindow window, out XFormersWindow parameters, out string? reason) =>
        window.TryToXFormers(out parameters, out reason);

    protected override AttentionWindow ToWindow(XFormersWindow parameters) => AttentionWindow.FromXFormers(parameters);

    protected override bool IsVisible(XFormersWindow parameters, int query, int key, int seqQ, int seqK) =>
        parameters.IsVisible(query, key, seqQ, seqK);

    protected override XFormersWindow? Read(PinArguments pin) =>
        (pin.Required<int>(nameof(XFormersWindowAttribute.WindowLeft)), pin.Required<int>(nameof(XFormersWindowAttribute.WindowRight))) is (int left, int right)
            ? new XFormersWindow(left, right)
            : null;

    protected override GeneratedBackendClass Describe(XFormersWindow parameters) => new(
        new[]
        {
            BackendConstant.Int("WindowLeft", parameters.WindowLeft, "window_left: keys before the diagonal."),
            BackendConstant.Int("WindowRight", parameters.WindowRight, "window_right: keys after the diagonal."),
        },
        "WindowLeft, WindowRight", "row", "col", "seqQ", "seqK",
        new[] { "// materialize: tril(diagonal=window_right + shift).triu(diagonal=-window_left + shift), shift = seqK - seqQ.", "long offset = col - (row + ((long)seqK - seqQ));" },
        new[] { "col >= 0", "col < seqK", "offset <= WindowRight", "offset >= -WindowLeft" },
        new[] { $"bias = LocalAttentionFromBottomRightMask(window_left={parameters.WindowLeft}, window_right={parameters.WindowRight})", "out = xops.memory_efficient_attention(q, k, v, attn_bias=bias)" });
}
