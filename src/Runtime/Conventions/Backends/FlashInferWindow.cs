using System;
using System.Collections.Generic;

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
        if (BackendDescriptor.For(Backend.FlashInfer).ChunkOrSinkRefusal(this) is string refusal)
        {
            (window, reason) = (default, refusal);
            return false;
        }

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

/// <summary>Pins FlashInfer's <c>window_left</c> and <c>window_right</c> on a spec. Omitted values are <c>-1</c> (unbounded).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
sealed class FlashInferWindowAttribute : Attribute
{
    /// <summary><c>window_left</c>.</summary>
    public int WindowLeft { get; set; } = -1;

    /// <summary><c>window_right</c>.</summary>
    public int WindowRight { get; set; } = -1;
}

/// <summary>FlashInfer's attention variants.</summary>
internal sealed class FlashInferBackend : BackendDescriptor<FlashInferWindow, FlashInferWindowAttribute>
{
    public override Backend Backend => Backend.FlashInfer;

    public override string DisplayName => "FlashInfer";

    public override string NormalForm => "L = window_left, R = window_right; -1 = unbounded";

    public override string Source => "flashinfer `include/flashinfer/attention/variants.cuh`";

    public override int? UnboundedSentinel => -1;

    public override bool TryReadConvention(int? left, int? right, bool causal, out int? canonicalLeft, out int? canonicalRight, out string? error)
    {
        var window = AttentionWindow.FromFlashInfer(new FlashInferWindow(left ?? -1, right ?? -1));
        (canonicalLeft, canonicalRight, error) = (window.Left, window.Right, null);
        return true;
    }

    protected override bool TryConvert(AttentionWindow window, out FlashInferWindow parameters, out string? reason) =>
        window.TryToFlashInfer(out parameters, out reason);

    protected override AttentionWindow ToWindow(FlashInferWindow parameters) => AttentionWindow.FromFlashInfer(parameters);

    protected override bool IsVisible(FlashInferWindow parameters, int query, int key, int seqQ, int seqK) =>
        parameters.IsVisible(query, key, seqQ, seqK);

    protected override FlashInferWindow? Read(PinArguments pin) => new FlashInferWindow(
        pin.Get<int>(nameof(FlashInferWindowAttribute.WindowLeft)) ?? PinDefaults.WindowLeft,
        pin.Get<int>(nameof(FlashInferWindowAttribute.WindowRight)) ?? PinDefaults.WindowRight);

    protected override GeneratedBackendClass Describe(FlashInferWindow parameters)
    {
        var conditions = new List<string> { "kvIdx >= 0", "kvIdx < kvLen" };
        if (parameters.WindowLeft >= 0)
        {
            conditions.Add("kvIdx + WindowLeft >= diagonal");
        }

        if (parameters.WindowRight >= 0)
        {
            conditions.Add("kvIdx <= diagonal + WindowRight");
        }

        return new(
            new[]
            {
                BackendConstant.Int("WindowLeft", parameters.WindowLeft, "window_left: keys before the diagonal (-1: all)."),
                BackendConstant.Int("WindowRight", parameters.WindowRight, "window_right: keys after the diagonal (-1: all)."),
            },
            "WindowLeft, WindowRight", "qoIdx", "kvIdx", "qoLen", "kvLen",
            new[] { "long diagonal = qoIdx + ((long)kvLen - qoLen);" },
            conditions,
            parameters.WindowRight == 0
                ? new[] { $"out = flashinfer.single_prefill_with_kv_cache(q, k, v, causal=True, window_left={parameters.WindowLeft})" }
                : new[] { $"# window_right = {parameters.WindowRight}: only FlashInfer backends with a right window take it", $"out = flashinfer.single_prefill_with_kv_cache(q, k, v, causal=False, window_left={parameters.WindowLeft})" });
    }
}
