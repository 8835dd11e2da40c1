using System;
using System.Collections.Generic;
using System.Globalization;

namespace KernelGen;

/// <summary>
/// FlashAttention 4 (cute): <c>window_size=(WindowSizeLeft, WindowSizeRight)</c>, inclusive, <c>None</c> = unbounded;
/// negative values are literal offsets (<c>flash_attn/cute/mask.py</c>). Always bottom-right.
/// </summary>
/// <param name="WindowSizeLeft">Keys before the diagonal, or <see langword="null"/> (Python's None) for all of them.</param>
/// <param name="WindowSizeRight">Keys after the diagonal, or <see langword="null"/> for all of them.</param>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct FlashAttention4Window(int? WindowSizeLeft, int? WindowSizeRight)
{
    /// <summary>FlashAttention 4's test: <c>row + seqK - seqQ - left &lt;= col &lt;= row + seqK - seqQ + right</c>.</summary>
    public bool IsVisible(int row, int col, int seqQ, int seqK)
    {
        long diagonal = row + ((long)seqK - seqQ);
        return col >= 0 && col < seqK
            && (WindowSizeLeft is not int left || col >= diagonal - left)
            && (WindowSizeRight is not int right || col <= diagonal + right);
    }
}

readonly partial record struct AttentionWindow
{
    /// <summary>This window as FlashAttention 4's <c>window_size</c>, or the reason it has none.</summary>
    public bool TryToFlashAttention4(out FlashAttention4Window window, out string? reason)
    {
        if (BackendDescriptor.For(Backend.FlashAttention4).ChunkOrSinkRefusal(this) is string refusal)
        {
            (window, reason) = (default, refusal);
            return false;
        }

        reason = Alignment != WindowAlignment.BottomRight ? "FlashAttention aligns the diagonal bottom-right only" : null;
        window = reason is null ? new FlashAttention4Window(Left, Right) : default;
        return reason is null;
    }

    /// <summary>This window as FlashAttention 4's <c>window_size</c>.</summary>
    /// <exception cref="WindowNotExpressibleException">FlashAttention 4 cannot express it.</exception>
    public FlashAttention4Window ToFlashAttention4() =>
        TryToFlashAttention4(out var window, out var reason) ? window : throw new WindowNotExpressibleException(Backend.FlashAttention4, this, reason!);

    /// <summary>The window FlashAttention 4 applies for <paramref name="window"/>.</summary>
    public static AttentionWindow FromFlashAttention4(FlashAttention4Window window) => new(window.WindowSizeLeft, window.WindowSizeRight);
}

/// <summary>Pins FlashAttention 4's <c>window_size</c> on a spec. Omitted values are <c>None</c> (unbounded).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
sealed class FlashAttention4WindowAttribute : Attribute
{
    /// <summary><c>window_size[0]</c>; negative values are literal offsets.</summary>
    public int WindowSizeLeft { get; set; }

    /// <summary><c>window_size[1]</c>; negative values are literal offsets.</summary>
    public int WindowSizeRight { get; set; }
}

/// <summary>FlashAttention 4 (cute).</summary>
internal sealed class FlashAttention4Backend : BackendDescriptor<FlashAttention4Window, FlashAttention4WindowAttribute>
{
    public override Backend Backend => Backend.FlashAttention4;

    public override string DisplayName => "FlashAttention 4";

    public override string NormalForm => "L = window_size[0], R = window_size[1]; None = unbounded; negative = literal offset";

    public override string Source => "flash-attn `flash_attn/cute/mask.py`, `flash_attn/cute/interface.py`";

    public override string NegativeNumbers => "reads negative numbers as literal offsets that move the band off the diagonal, not as 'unbounded'";

    public override bool TryReadConvention(int? left, int? right, bool causal, out int? canonicalLeft, out int? canonicalRight, out string? error)
    {
        var window = AttentionWindow.FromFlashAttention4(new FlashAttention4Window(left, right));
        (canonicalLeft, canonicalRight, error) = (window.Left, window.Right, null);
        return true;
    }

    protected override bool TryConvert(AttentionWindow window, out FlashAttention4Window parameters, out string? reason) =>
        window.TryToFlashAttention4(out parameters, out reason);

    protected override AttentionWindow ToWindow(FlashAttention4Window parameters) => AttentionWindow.FromFlashAttention4(parameters);

    protected override bool IsVisible(FlashAttention4Window parameters, int query, int key, int seqQ, int seqK) =>
        parameters.IsVisible(query, key, seqQ, seqK);

    // None has no attribute spelling: an omitted value is None, so the attribute's initialisers are never read.
    protected override FlashAttention4Window? Read(PinArguments pin) => new FlashAttention4Window(
        pin.Get<int>(nameof(FlashAttention4WindowAttribute.WindowSizeLeft)),
        pin.Get<int>(nameof(FlashAttention4WindowAttribute.WindowSizeRight)));

    protected override GeneratedBackendClass Describe(FlashAttention4Window parameters)
    {
        var constants = new List<BackendConstant>();
        var conditions = new List<string> { "col >= 0", "col < seqK" };
        if (parameters.WindowSizeLeft is int left)
        {
            constants.Add(BackendConstant.Int("WindowSizeLeft", left, "window_size[0]: keys before the diagonal; negative values are literal offsets."));
            conditions.Add("col >= diagonal - WindowSizeLeft");
        }

        if (parameters.WindowSizeRight is int right)
        {
            constants.Add(BackendConstant.Int("WindowSizeRight", right, "window_size[1]: keys after the diagonal; negative values are literal offsets."));
            conditions.Add("col <= diagonal + WindowSizeRight");
        }

        return new(
            constants, $"{(parameters.WindowSizeLeft.HasValue ? "WindowSizeLeft" : "null")}, {(parameters.WindowSizeRight.HasValue ? "WindowSizeRight" : "null")}",
            "row", "col", "seqQ", "seqK",
            new[] { "long diagonal = row + ((long)seqK - seqQ);" },
            conditions,
            new[] { "from flash_attn.cute import flash_attn_func", $"out = flash_attn_func(q, k, v, window_size=({Python(parameters.WindowSizeLeft)}, {Python(parameters.WindowSizeRight)}))" });
    }

    private static string Python(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "None";
}
