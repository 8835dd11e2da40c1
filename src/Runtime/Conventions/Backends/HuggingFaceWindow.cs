using System;

namespace KernelGen;

/// <summary>
/// HF transformers' <c>config.sliding_window = SlidingWindow</c> (<c>src/transformers/masking_utils.py</c>): causal
/// <c>q - W &lt; kv &lt;= q</c> (W keys, the query's own included), bidirectional <c>|q - kv| &lt;= W</c>. Positions
/// are absolute (cache positions), which is bottom-right alignment. A chunked layer (<c>config.attention_chunk_size</c>,
/// Llama 4) takes <c>create_chunked_causal_mask</c>: <c>and_masks(chunked_overlay, causal_mask_function)</c>, where
/// <c>chunked_overlay</c> is <c>(kv_idx - left_padding[b]) // S == (q_idx - left_padding[b]) // S</c>. HF counts chunks
/// from each row's left padding; KernelGen models the unpadded row (origin 0): a left-padded batch needs a run-time origin
/// per row, which KernelGen does not take.
/// </summary>
/// <param name="SlidingWindow">The window size W; not read on a chunked layer.</param>
/// <param name="IsCausal">The causal overlay (decoders) or the bidirectional one (encoders).</param>
/// <param name="AttentionChunkSize"><c>config.attention_chunk_size</c> for a chunked layer, or <see langword="null"/>.</param>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct HuggingFaceWindow(int SlidingWindow, bool IsCausal, int? AttentionChunkSize = null)
{
    /// <summary>
    /// HF's mask functions on absolute positions: the query's position is <c>q + kvLen - qLen</c>. A chunked layer is
    /// <c>kv_idx &lt;= q</c> and <c>kv_idx // S == q // S</c> (no left padding: origin 0).
    /// </summary>
    /// <exception cref="InvalidOperationException">A chunk size below 1, which <c>//</c> cannot divide by.</exception>
    public bool IsVisible(int qIdx, int kvIdx, int qLen, int kvLen)
    {
        long q = qIdx + ((long)kvLen - qLen);
        if (AttentionChunkSize is int chunk)
        {
            // kv_idx <= q is tested first, so both positions are non-negative where they are divided.
            return chunk < 1
                ? throw new InvalidOperationException("attention_chunk_size must be at least 1.")
                : kvIdx >= 0 && kvIdx < kvLen && kvIdx <= q && kvIdx / chunk == q / chunk;
        }

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
        else if (ChunkSize is int chunk)
        {
            reason = Left is null && Right == 0 ? null
                : "HF transformers' chunked layers (create_chunked_causal_mask) are causal chunked attention alone (Right = 0, no left bound): attention_chunk_size takes no window inside the chunk";
            window = reason is null ? new HuggingFaceWindow(0, IsCausal: true, AttentionChunkSize: chunk) : default;
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

    /// <summary>The window HF applies for <paramref name="window"/> (a chunked layer: on the unpadded row, chunks from key 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A window or chunk size below 1.</exception>
    /// <exception cref="NotSupportedException">A chunked layer that is not causal: HF's chunked mask is always causal.</exception>
    public static AttentionWindow FromHuggingFace(HuggingFaceWindow window)
    {
        if (window.AttentionChunkSize is int chunk)
        {
            return chunk < 1 ? throw new ArgumentOutOfRangeException(nameof(window), chunk, "attention_chunk_size must be at least 1.")
                : !window.IsCausal ? throw new NotSupportedException("HF transformers builds chunked layers with create_chunked_causal_mask only, which is causal: a bidirectional chunked layer is not an HF mask")
                : new(null, 0, chunkSize: chunk);
        }

        if (window.SlidingWindow < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window.SlidingWindow, "sliding_window must be at least 1.");
        }

        return window.IsCausal ? new(window.SlidingWindow - 1, 0) : new(window.SlidingWindow, window.SlidingWindow);
    }
}

/// <summary>Pins HF transformers' <c>config.sliding_window</c> (or <c>config.attention_chunk_size</c>) on a spec; causal unless <see cref="IsCausal"/> is false.</summary>
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

    /// <summary><c>attention_chunk_size</c> of a chunked layer (then <see cref="SlidingWindow"/> is not read); omitted: not chunked.</summary>
    public int AttentionChunkSize { get; set; }
}

/// <summary>HF transformers' <c>masking_utils</c> (eager, sdpa and flex paths).</summary>
internal sealed class HuggingFaceBackend : BackendDescriptor<HuggingFaceWindow, HuggingFaceWindowAttribute>
{
    public override Backend Backend => Backend.HuggingFace;

    public override string DisplayName => "HF transformers";

    public override string NormalForm => "causal: L = sliding_window - 1, R = 0; bidirectional: L = R = sliding_window; chunked layer: no left bound, R = 0, chunks of attention_chunk_size from key 0 (the unpadded row: HF counts from each row's left padding, a run-time origin KernelGen does not take)";

    public override bool ExpressesChunks => true;

    public override string Source => "transformers `src/transformers/masking_utils.py` (`sliding_window_overlay`; `chunked_overlay` and `create_chunked_causal_mask`: `(kv_idx - left_padding[b]) // S == (q_idx - left_padding[b]) // S` and'ed with causal)";

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

    // A chunked layer does not read sliding_window, so only a pin without attention_chunk_size needs it.
    protected override HuggingFaceWindow? Read(PinArguments pin) =>
        pin.Get<int>(nameof(HuggingFaceWindowAttribute.AttentionChunkSize)) is int chunk
            ? new HuggingFaceWindow(
                pin.Get<int>(nameof(HuggingFaceWindowAttribute.SlidingWindow)) ?? PinDefaults.SlidingWindow,
                pin.Get<bool>(nameof(HuggingFaceWindowAttribute.IsCausal)) ?? PinDefaults.IsCausal,
                chunk)
        : pin.Required<int>(nameof(HuggingFaceWindowAttribute.SlidingWindow)) is int width
            ? new HuggingFaceWindow(width, pin.Get<bool>(nameof(HuggingFaceWindowAttribute.IsCausal)) ?? PinDefaults.IsCausal)
            : null;

    protected override GeneratedBackendClass Describe(HuggingFaceWindow parameters) => parameters.AttentionChunkSize is int chunk
        ? new(
            new[]
            {
                BackendConstant.Int("SlidingWindow", parameters.SlidingWindow, "config.sliding_window: not read on a chunked layer."),
                BackendConstant.Bool("IsCausal", parameters.IsCausal, "create_chunked_causal_mask is causal."),
                BackendConstant.Int("AttentionChunkSize", chunk, "config.attention_chunk_size: chunks counted from key 0 (the unpadded row; HF counts from each row's left padding)."),
            },
            "SlidingWindow, IsCausal, AttentionChunkSize", "qIdx", "kvIdx", "qLen", "kvLen",
            new[]
            {
                "// Absolute positions: the query's position is its cache position. chunked_overlay with left_padding 0.",
                "long q = qIdx + ((long)kvLen - qLen);",
            },
            new[] { "kvIdx >= 0", "kvIdx < kvLen", "kvIdx <= q", "kvIdx / AttentionChunkSize == q / AttentionChunkSize" },
            new[]
            {
                $"config.attention_chunk_size = {chunk}  # chunked_attention layers: create_chunked_causal_mask",
                "# HF counts chunks from each row's left padding; this is the unpadded row (origin 0). A left-padded batch needs",
                "# a run-time chunk origin per row, which KernelGen does not take.",
            })
        : new(
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
