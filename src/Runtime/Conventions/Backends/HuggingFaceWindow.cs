using System;

namespace KernelGen;

/// <summary>
/// HF transformers' <c>config.sliding_window = SlidingWindow</c> (<c>src/transformers/masking_utils.py</c>): causal
/// <c>q - W &lt; kv &lt;= q</c> (W keys, the query's own included), bidirectional <c>|q - kv| &lt;= W</c>. Positions
/// are absolute (cache positions), which is bottom-right alignment.
/// </summary>
/// <param name="SlidingWindow">The window size W.</param>
/// <param name="IsCausal">The causal overlay (decoders) or the bidirectional one (encoders).</param>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct HuggingFaceWindow(int SlidingWindow, bool IsCausal)
{
    /// <summary>HF's mask functions on absolute positions: the query's position is <c>q + kvLen - qLen</c>.</summary>
    public bool IsVisible(int qIdx, int kvIdx, int qLen, int kvLen)
    {
        long q = qIdx + ((long)kvLen - qLen);
        var inside = IsCausal ? kvIdx > q - SlidingWindow && kvIdx <= q : Math.Abs(q - kvIdx) <= SlidingWindow;
        return kvIdx >= 0 && kvIdx < kvLen && inside;
    }
}

readonly partial record struct AttentionWindow
{
    /// <summary>This window as HF's <c>sliding_window</c>, or the reason it has none.</summary>
    public bool TryToHuggingFace(out HuggingFaceWindow window, out string? reason)
    {
        if (BackendDescriptor.For(Backend.HuggingFace).ChunkOrSinkRefusal(this) is string refusal)
        {
            (window, reason) = (default, refusal);
            return false;
        }

        window = default;
        if (Alignment != WindowAlignment.BottomRight)
        {
            reason = "HF transformers masks absolute positions, which is bottom-right alignment";
        }
        else if (Left is int left && left >= 0 && Right == 0)
        {
            reason = left == int.MaxValue ? "sliding_window would be Left + 1 = 2147483648, beyond int" : null;
            window = new HuggingFaceWindow(left + 1, IsCausal: true);
        }
        else if (Left is int both && both > 0 && Right == both)
        {
            reason = null;
            window = new HuggingFaceWindow(both, IsCausal: false);
        }
        else
        {
            reason = "sliding_window describes a causal window (W - 1, 0) or a symmetric one (W, W), nothing else";
        }

        return reason is null;
    }

    /// <summary>This window as HF's <c>sliding_window</c>: <c>Left + 1</c> for a causal window.</summary>
    /// <exception cref="WindowNotExpressibleException">HF cannot express it.</exception>
    public HuggingFaceWindow ToHuggingFace() =>
        TryToHuggingFace(out var window, out var reason) ? window : throw new WindowNotExpressibleException(Backend.HuggingFace, this, reason!);

    /// <summary>The window HF applies for <paramref name="window"/>.</summary>
    public static AttentionWindow FromHuggingFace(HuggingFaceWindow window)
    {
        if (window.SlidingWindow < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window.SlidingWindow, "sliding_window must be at least 1.");
        }

        return window.IsCausal ? new(window.SlidingWindow - 1, 0) : new(window.SlidingWindow, window.SlidingWindow);
    }
}

/// <summary>Pins HF transformers' <c>config.sliding_window</c> on a spec; causal unless <see cref="IsCausal"/> is false.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
sealed class HuggingFaceWindowAttribute : Attribute
{
    /// <summary><c>sliding_window</c> (required).</summary>
    public int SlidingWindow { get; set; }

    /// <summary>The causal (decoder) or bidirectional (encoder) overlay.</summary>
    public bool IsCausal { get; set; } = true;
}

/// <summary>HF transformers' <c>masking_utils</c> (eager, sdpa and flex paths).</summary>
internal sealed class HuggingFaceBackend : BackendDescriptor<HuggingFaceWindow, HuggingFaceWindowAttribute>
{
    public override Backend Backend => Backend.HuggingFace;

    public override string DisplayName => "HF transformers";

    public override string NormalForm => "causal: L = sliding_window - 1, R = 0; bidirectional: L = R = sliding_window";

    public override string Source => "transformers `src/transformers/masking_utils.py`";

    public override bool TryReadConvention(int? left, int? right, bool causal, out int? canonicalLeft, out int? canonicalRight, out string? error)
    {
        canonicalLeft = canonicalRight = null;
        error = null;
        if (left is not int width || width < 1)
        {
            error = "HF transformers' sliding_window is a positive key count W: give it as Left = W";
            return false;
        }

        bool? isCausal = right == 0 || (right is null && causal) ? true : right == width ? false : null;
        if (isCausal is not bool overlay)
        {
            error = $"HF transformers' sliding_window = {width} describes either a causal window (Right = 0 or Causal = true) or a bidirectional one (Right = {width})";
            return false;
        }

        var window = AttentionWindow.FromHuggingFace(new HuggingFaceWindow(width, overlay));
        (canonicalLeft, canonicalRight) = (window.Left, window.Right);
        return true;
    }

    protected override bool TryConvert(AttentionWindow window, out HuggingFaceWindow parameters, out string? reason) =>
        window.TryToHuggingFace(out parameters, out reason);

    protected override AttentionWindow ToWindow(HuggingFaceWindow parameters) => AttentionWindow.FromHuggingFace(parameters);

    protected override bool IsVisible(HuggingFaceWindow parameters, int query, int key, int seqQ, int seqK) =>
        parameters.IsVisible(query, key, seqQ, seqK);

    protected override HuggingFaceWindow? Read(PinArguments pin) =>
        pin.Required<int>(nameof(HuggingFaceWindowAttribute.SlidingWindow)) is int width
            ? new HuggingFaceWindow(width, pin.Get<bool>(nameof(HuggingFaceWindowAttribute.IsCausal)) ?? PinDefaults.IsCausal)
            : null;

    protected override GeneratedBackendClass Describe(HuggingFaceWindow parameters) => new(
        new[]
        {
            BackendConstant.Int("SlidingWindow", parameters.SlidingWindow, parameters.IsCausal ? "config.sliding_window: W keys, the query's own included." : "config.sliding_window: |q - kv| <= W."),
            BackendConstant.Bool("IsCausal", parameters.IsCausal, "Causal (decoder) or bidirectional (encoder) overlay."),
        },
        "SlidingWindow, IsCausal", "qIdx", "kvIdx", "qLen", "kvLen",
        new[] { "// Absolute positions: the query's position is its cache position.", "long q = qIdx + ((long)kvLen - qLen);" },
        parameters.IsCausal
            ? new[] { "kvIdx >= 0", "kvIdx < kvLen", "kvIdx > q - SlidingWindow", "kvIdx <= q" }
            : new[] { "kvIdx >= 0", "kvIdx < kvLen", "global::System.Math.Abs(q - kvIdx) <= SlidingWindow" },
        new[] { $"config.sliding_window = {parameters.SlidingWindow}{(parameters.IsCausal ? "  # causal model" : "  # bidirectional (encoder) model")}" });
}
