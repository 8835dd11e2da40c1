using System;
using System.Collections.Generic;

namespace KernelGen;

/// <summary>
/// ONNX's standard <c>Attention</c> operator at opset 25, as onnx/onnx's main branch defines it (commit 7a4496a47,
/// unreleased): with <c>d = i + offset - j</c>, key <c>j</c> is hidden from query <c>i</c> when <c>is_causal</c> and
/// <c>d &lt; 0</c>, when <c>left_window_size &gt;= 0</c> and <c>d &gt; left_window_size</c>, or when
/// <c>right_window_size &gt;= 0</c> and <c>-d &gt; right_window_size</c>; <c>-1</c> is unbounded. The offset is the
/// cache's length (<c>past_key</c>, or <c>nonpad_kv_seqlen</c> minus the queries), so bottom-right with a cache and
/// top-left (0) without one. No ONNX Runtime release implements this version (1.31.1 runs none with a window).
/// </summary>
/// <param name="LeftWindowSize"><c>left_window_size</c>: keys before the query's position, or -1 for all of them.</param>
/// <param name="RightWindowSize"><c>right_window_size</c>: keys after it, or -1 for all of them.</param>
/// <param name="IsCausal"><c>is_causal</c>: keys after the query's position are hidden.</param>
/// <param name="HasCache">
/// Whether the node takes a cache (<c>past_key</c>/<c>past_value</c>, whose new keys are the queries' own, or
/// <c>nonpad_kv_seqlen</c>): queries then follow the cached keys (bottom-right); without one the offset is 0 (top-left).
/// </param>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct OnnxAttentionWindow(int LeftWindowSize, int RightWindowSize, bool IsCausal, bool HasCache)
{
    /// <summary>Attention-25's test: <c>d = i + offset - j</c> against <c>is_causal</c> and both window sizes.</summary>
    public bool IsVisible(int i, int j, int qSequenceLength, int totalSequenceLength)
    {
        long offset = HasCache ? (long)totalSequenceLength - qSequenceLength : 0;
        var difference = i + offset - j;
        return j >= 0 && j < totalSequenceLength
            && !(IsCausal && difference < 0)
            && !(LeftWindowSize >= 0 && difference > LeftWindowSize)
            && !(RightWindowSize >= 0 && -difference > RightWindowSize);
    }
}

readonly partial record struct AttentionWindow
{
    /// <summary>This window as ONNX Attention-25's window attributes, or the reason it has none.</summary>
    public bool TryToOnnxAttention(out OnnxAttentionWindow window, out string? reason)
    {
        if (BackendDescriptor.For(Backend.OnnxAttention).ChunkOrSinkRefusal(this) is string refusal)
        {
            (window, reason) = (default, refusal);
            return false;
        }

        window = default;
        reason = Left < 0 || Right < 0 ? "left_window_size and right_window_size read -1 as 'unbounded' and reject other negative values, so they cannot move the band off the diagonal" : null;
        if (reason is null)
        {
            // A causal window is is_causal = 1 with no right window size, as a causal decoder writes it.
            window = Right == 0
                ? new OnnxAttentionWindow(Left ?? -1, -1, IsCausal: true, HasCache: Alignment == WindowAlignment.BottomRight)
                : new OnnxAttentionWindow(Left ?? -1, Right ?? -1, IsCausal: false, HasCache: Alignment == WindowAlignment.BottomRight);
        }

        return reason is null;
    }

    /// <summary>This window as ONNX Attention-25's window attributes.</summary>
    /// <exception cref="WindowNotExpressibleException">Attention-25 cannot express it.</exception>
    public OnnxAttentionWindow ToOnnxAttention() =>
        TryToOnnxAttention(out var window, out var reason) ? window : throw new WindowNotExpressibleException(Backend.OnnxAttention, this, reason!);

    /// <summary>The window Attention-25 applies for <paramref name="window"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A window size below -1, which ONNX rejects.</exception>
    public static AttentionWindow FromOnnxAttention(OnnxAttentionWindow window)
    {
        var left = Sentinel(window.LeftWindowSize, "left_window_size");
        var right = Sentinel(window.RightWindowSize, "right_window_size");
        return new(left, window.IsCausal ? 0 : right, window.HasCache ? WindowAlignment.BottomRight : WindowAlignment.TopLeft);
    }
}

/// <summary>Pins ONNX Attention-25's window attributes on a spec. Omitted values are ONNX's defaults (-1, -1, not causal) and no cache (top-left).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
sealed class OnnxAttentionWindowAttribute : Attribute
{
    /// <summary><c>left_window_size</c>.</summary>
    public int LeftWindowSize { get; set; } = -1;

    /// <summary><c>right_window_size</c>.</summary>
    public int RightWindowSize { get; set; } = -1;

    /// <summary><c>is_causal</c>.</summary>
    public bool IsCausal { get; set; }

    /// <summary>Whether the node takes <c>past_key</c>/<c>past_value</c> (or <c>nonpad_kv_seqlen</c>).</summary>
    public bool HasCache { get; set; }
}

/// <summary>ONNX's standard <c>Attention</c> operator, opset 25 (onnx main).</summary>
internal sealed class OnnxAttentionBackend : BackendDescriptor<OnnxAttentionWindow, OnnxAttentionWindowAttribute>
{
    public override Backend Backend => Backend.OnnxAttention;

    public override string DisplayName => "ONNX Attention-25";

    public override string NormalForm => "L = left_window_size, R = right_window_size (R = 0 with is_causal); -1 = unbounded; not runnable in ONNX Runtime 1.31.1";

    public override string Source => "onnx/onnx commit 7a4496a47 (2026-08-20, unreleased), which adds both sizes to Attention-25; read: onnx's reference test `test_attention_asymmetric_bidirectional_window` (left 1, right 2 on 5 x 5 keys: row means 1, 1.5, 2.5, 3, 3.5) and `onnx/version_converter/adapters/Attention_25_24.h` (-1 = disabled, the only value opset 24 can hold)";

    public override int? UnboundedSentinel => -1;

    public override string AlignmentRule => "aligns top-left without a cache and bottom-right with past_key or nonpad_kv_seqlen";

    public override WindowAlignment? ImpliedAlignment(bool causal) => null;

    // is_causal comes from the kernel's Causal, not from the numbers; a window size of -1 or an omitted one is unbounded.
    public override bool TryReadConvention(int? left, int? right, bool causal, out int? canonicalLeft, out int? canonicalRight, out string? error)
    {
        var window = AttentionWindow.FromOnnxAttention(new OnnxAttentionWindow(left ?? -1, right ?? -1, IsCausal: false, HasCache: true));
        (canonicalLeft, canonicalRight, error) = (window.Left, window.Right, null);
        return true;
    }

    protected override bool TryConvert(AttentionWindow window, out OnnxAttentionWindow parameters, out string? reason) =>
        window.TryToOnnxAttention(out parameters, out reason);

    protected override AttentionWindow ToWindow(OnnxAttentionWindow parameters) => AttentionWindow.FromOnnxAttention(parameters);

    protected override bool IsVisible(OnnxAttentionWindow parameters, int query, int key, int seqQ, int seqK) =>
        parameters.IsVisible(query, key, seqQ, seqK);

    protected override OnnxAttentionWindow? Read(PinArguments pin) => new OnnxAttentionWindow(
        pin.Get<int>(nameof(OnnxAttentionWindowAttribute.LeftWindowSize)) ?? PinDefaults.LeftWindowSize,
        pin.Get<int>(nameof(OnnxAttentionWindowAttribute.RightWindowSize)) ?? PinDefaults.RightWindowSize,
        pin.Get<bool>(nameof(OnnxAttentionWindowAttribute.IsCausal)) ?? PinDefaults.IsCausal,
        pin.Get<bool>(nameof(OnnxAttentionWindowAttribute.HasCache)) ?? PinDefaults.HasCache);

    protected override GeneratedBackendClass Describe(OnnxAttentionWindow parameters)
    {
        var conditions = new List<string> { "j >= 0", "j < totalSequenceLength" };
        if (parameters.IsCausal)
        {
            conditions.Add("!(difference < 0)");
        }

        if (parameters.LeftWindowSize >= 0)
        {
            conditions.Add("!(difference > LeftWindowSize)");
        }

        if (parameters.RightWindowSize >= 0)
        {
            conditions.Add("!(-difference > RightWindowSize)");
        }

        var inputs = parameters.HasCache ? "[\"Q\", \"K\", \"V\", \"\", \"past_key\", \"past_value\"]" : "[\"Q\", \"K\", \"V\"]";
        var outputs = parameters.HasCache ? "[\"Y\", \"present_key\", \"present_value\"]" : "[\"Y\"]";
        return new(
            new[]
            {
                BackendConstant.Int("LeftWindowSize", parameters.LeftWindowSize, "left_window_size: keys before the query's position (-1: all)."),
                BackendConstant.Int("RightWindowSize", parameters.RightWindowSize, "right_window_size: keys after it (-1: all)."),
                BackendConstant.Bool("IsCausal", parameters.IsCausal, "is_causal: keys after the query's position are hidden."),
                BackendConstant.Bool("HasCache", parameters.HasCache, "Whether the node takes past_key/past_value (bottom-right); without a cache Attention-25 aligns top-left."),
            },
            "LeftWindowSize, RightWindowSize, IsCausal, HasCache", "i", "j", "qSequenceLength", "totalSequenceLength",
            new[]
            {
                "// Attention-25: d = i + offset - j, the offset being the cache's length (0 without one).",
                parameters.HasCache ? "long offset = (long)totalSequenceLength - qSequenceLength;" : "long offset = 0;",
                "long difference = i + offset - j;",
            },
            conditions,
            new[]
            {
                "# opset 25 on onnx's main branch (7a4496a47, unreleased): not runnable in ONNX Runtime 1.31.1",
                $"helper.make_node(\"Attention\", {inputs}, {outputs},",
                $"                 is_causal={(parameters.IsCausal ? 1 : 0)}, left_window_size={parameters.LeftWindowSize}, right_window_size={parameters.RightWindowSize})",
            });
    }
}
