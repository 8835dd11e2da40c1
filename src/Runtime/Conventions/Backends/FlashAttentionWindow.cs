using System;
using System.Collections.Generic;

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
        if (BackendDescriptor.For(Backend.FlashAttention2).ChunkOrSinkRefusal(this) is string refusal)
        {
            (window, reason) = (default, refusal);
            return false;
        }

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
        < 0 => throw new ArgumentOutOfRangeException(name, value, $"{name} must be -1 (unbounded) or at least 0."),
        _ => value,
    };
}

/// <summary>Pins FlashAttention 2/3's <c>window_size</c> on a spec. Omitted values are <c>-1</c> (unbounded), FlashAttention's default.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
sealed class FlashAttentionWindowAttribute : Attribute
{
    /// <summary><c>window_size[0]</c>.</summary>
    public int WindowSizeLeft { get; set; } = -1;

    /// <summary><c>window_size[1]</c>.</summary>
    public int WindowSizeRight { get; set; } = -1;
}

/// <summary>FlashAttention 2 and 3.</summary>
internal sealed class FlashAttentionBackend : BackendDescriptor<FlashAttentionWindow, FlashAttentionWindowAttribute>
{
    public override Backend Backend => Backend.FlashAttention2;

    public override string DisplayName => "FlashAttention 2/3";

    public override string NormalForm => "L = window_size[0], R = window_size[1]; -1 = unbounded";

    public override string Source => "flash-attn `csrc/flash_attn/src/mask.h`, `flash_attn_interface.py`";

    public override int? UnboundedSentinel => -1;

    public override bool TryReadConvention(int? left, int? right, bool causal, out int? canonicalLeft, out int? canonicalRight, out string? error)
    {
        var window = AttentionWindow.FromFlashAttention(new FlashAttentionWindow(left ?? -1, right ?? -1));
        (canonicalLeft, canonicalRight, error) = (window.Left, window.Right, null);
        return true;
    }

    protected override bool TryConvert(AttentionWindow window, out FlashAttentionWindow parameters, out string? reason) =>
        window.TryToFlashAttention(out parameters, out reason);

    protected override AttentionWindow ToWindow(FlashAttentionWindow parameters) => AttentionWindow.FromFlashAttention(parameters);

    protected override bool IsVisible(FlashAttentionWindow parameters, int query, int key, int seqQ, int seqK) =>
        parameters.IsVisible(query, key, seqQ, seqK);

    protected override FlashAttentionWindow? Read(PinArguments pin) => new FlashAttentionWindow(
        pin.Get<int>(nameof(FlashAttentionWindowAttribute.WindowSizeLeft)) ?? PinDefaults.WindowSizeLeft,
        pin.Get<int>(nameof(FlashAttentionWindowAttribute.WindowSizeRight)) ?? PinDefaults.WindowSizeRight);

    protected override GeneratedBackendClass Describe(FlashAttentionWindow parameters)
    {
        var conditions = new List<string> { "col >= 0", "col < seqK" };
        if (parameters.WindowSizeLeft >= 0)
        {
            conditions.Add("col >= row + shift - WindowSizeLeft");
        }

        if (parameters.WindowSizeRight >= 0)
        {
            conditions.Add("col < row + 1 + shift + WindowSizeRight");
        }

        return new(
            new[]
            {
                BackendConstant.Int("WindowSizeLeft", parameters.WindowSizeLeft, "window_size[0]: keys before the diagonal (-1: all)."),
                BackendConstant.Int("WindowSizeRight", parameters.WindowSizeRight, "window_size[1]: keys after the diagonal (-1: all)."),
            },
            "WindowSizeLeft, WindowSizeRight", "row", "col", "seqQ", "seqK",
            new[] { "// mask.h: keys below row + seqK - seqQ - left and from row + 1 + seqK - seqQ + right on are masked.", "long shift = (long)seqK - seqQ;" },
            conditions,
            new[] { "from flash_attn import flash_attn_func", $"out = flash_attn_func(q, k, v, window_size=({parameters.WindowSizeLeft}, {parameters.WindowSizeRight}))" });
    }
}
