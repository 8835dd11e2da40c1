using System;
using System.Collections.Generic;
using System.Globalization;

namespace KernelGen;

/// <summary>vLLM's <c>AttentionType</c> values that take a sliding window.</summary>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
enum VllmAttentionType
{
    /// <summary><c>AttentionType.DECODER</c>: causal, with the KV cache.</summary>
    Decoder = 0,

    /// <summary><c>AttentionType.ENCODER_ONLY</c>: bidirectional, FlashAttention backend only (FlashInfer rejects it).</summary>
    EncoderOnly = 1,
}

/// <summary>
/// vLLM's <c>sliding_window</c> (HF's <c>config.sliding_window</c>, per layer), as its attention backends pass it on:
/// FlashAttention gets <c>window_size = (sliding_window - 1, 0)</c> for decoders and
/// <c>(sliding_window - 1, sliding_window - 1)</c> for encoder-only attention, FlashInfer <c>window_left = sliding_window - 1</c>
/// (<c>vllm/v1/attention/backends/flash_attn.py</c>, <c>flashinfer.py</c>). <c>None</c> is no window. Bottom-right, as
/// FlashAttention is.
/// </summary>
/// <param name="SlidingWindow"><c>sliding_window</c>, or <see langword="null"/> (None) for no window.</param>
/// <param name="AttnType"><c>attn_type</c>.</param>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct VllmWindow(int? SlidingWindow, VllmAttentionType AttnType)
{
    /// <summary>FlashAttention's test, with the <c>window_size</c> and <c>causal</c> vLLM passes it.</summary>
    public bool IsVisible(int row, int col, int seqQ, int seqK)
    {
        var decoder = AttnType == VllmAttentionType.Decoder;
        var left = SlidingWindow is int width ? width - 1 : -1;
        var right = decoder ? 0 : left;
        return new FlashAttentionWindow(left, right).IsVisible(row, col, seqQ, seqK);
    }
}

readonly partial record struct AttentionWindow
{
    /// <summary>This window as vLLM's <c>sliding_window</c> and attention type, or the reason it has none.</summary>
    public bool TryToVllm(out VllmWindow window, out string? reason)
    {
        if (BackendDescriptor.For(Backend.Vllm).ChunkOrSinkRefusal(this) is string refusal)
        {
            (window, reason) = (default, refusal);
            return false;
        }

        window = default;
        reason = (Alignment, Left, Right) switch
        {
            (not WindowAlignment.BottomRight, _, _) => "vLLM passes its window to FlashAttention and FlashInfer, which align the diagonal bottom-right only",
            (_, int.MaxValue, _) => "sliding_window would be Left + 1 = 2147483648, beyond int",
            (_, null or >= 0, 0) => null,
            (_, null, null) => null,
            (_, >= 0, int right) when right == Left => null,
            _ => "vLLM passes sliding_window W as FlashAttention's (W - 1, 0) for decoders and (W - 1, W - 1) for encoder-only attention, nothing else",
        };
        if (reason is null)
        {
            window = new VllmWindow(Left + 1, Right == 0 ? VllmAttentionType.Decoder : VllmAttentionType.EncoderOnly);
        }

        return reason is null;
    }

    /// <summary>This window as vLLM's <c>sliding_window</c> and attention type: <c>Left + 1</c>.</summary>
    /// <exception cref="WindowNotExpressibleException">vLLM cannot express it.</exception>
    public VllmWindow ToVllm() =>
        TryToVllm(out var window, out var reason) ? window : throw new WindowNotExpressibleException(Backend.Vllm, this, reason!);

    /// <summary>The window vLLM applies for <paramref name="window"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A <c>sliding_window</c> below 1.</exception>
    public static AttentionWindow FromVllm(VllmWindow window)
    {
        if (window.SlidingWindow < 1)
        {
            // 0 would reach FlashAttention as window_size (-1, ...), its sentinel for no window.
            throw new ArgumentOutOfRangeException(nameof(window), window.SlidingWindow, "sliding_window must be at least 1; vLLM passes sliding_window - 1, and FlashAttention reads -1 as no window.");
        }

        var left = window.SlidingWindow - 1;
        return window.AttnType == VllmAttentionType.Decoder ? new(left, 0) : new(left, left);
    }
}

/// <summary>Pins vLLM's <c>sliding_window</c> on a spec. Omitted values are vLLM's defaults: None (no window), a decoder.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
sealed class VllmWindowAttribute : Attribute
{
    /// <summary><c>sliding_window</c>.</summary>
    public int SlidingWindow { get; set; }

    /// <summary><c>attn_type</c>.</summary>
    public VllmAttentionType AttnType { get; set; } = VllmAttentionType.Decoder;
}

/// <summary>vLLM's FlashAttention and FlashInfer backends.</summary>
internal sealed class VllmBackend : BackendDescriptor<VllmWindow, VllmWindowAttribute>
{
    public override Backend Backend => Backend.Vllm;

    public override string DisplayName => "vLLM";

    public override string NormalForm => "decoder: L = sliding_window - 1, R = 0; encoder-only: L = R = sliding_window - 1 (HF's bidirectional mask is W on each side); None = no window";

    public override string Source => "vllm `vllm/v1/attention/backends/flash_attn.py` `FlashAttentionImpl.__init__` (0084b783: window_size = (sliding_window - 1, 0), or (sliding_window - 1, sliding_window - 1) for ENCODER_ONLY), `vllm/v1/attention/backends/flashinfer.py` `FlashInferImpl.__init__` (00a817ad: window_left = sliding_window - 1, decoders only)";

    public override bool TryReadConvention(int? left, int? right, bool causal, out int? canonicalLeft, out int? canonicalRight, out string? error)
    {
        canonicalLeft = canonicalRight = null;
        if (left is not int width || width < 1)
        {
            error = "vLLM's sliding_window is a positive key count W: give it as Left = W";
            return false;
        }

        VllmAttentionType? attnType = right == 0 || (right is null && causal) ? VllmAttentionType.Decoder : right == width ? VllmAttentionType.EncoderOnly : null;
        if (attnType is not VllmAttentionType type)
        {
            error = $"vLLM's sliding_window = {width} is either a decoder's window (Right = 0 or Causal = true) or an encoder-only one (Right = {width})";
            return false;
        }

        var window = AttentionWindow.FromVllm(new VllmWindow(width, type));
        (canonicalLeft, canonicalRight, error) = (window.Left, window.Right, null);
        return true;
    }

    protected override bool TryConvert(AttentionWindow window, out VllmWindow parameters, out string? reason) =>
        window.TryToVllm(out parameters, out reason);

    protected override AttentionWindow ToWindow(VllmWindow parameters) => AttentionWindow.FromVllm(parameters);

    protected override bool IsVisible(VllmWindow parameters, int query, int key, int seqQ, int seqK) =>
        parameters.IsVisible(query, key, seqQ, seqK);

    // An omitted sliding_window is None, which the attribute cannot spell: its initialiser is never read.
    protected override VllmWindow? Read(PinArguments pin) => new VllmWindow(
        pin.Get<int>(nameof(VllmWindowAttribute.SlidingWindow)),
        pin.Get<VllmAttentionType>(nameof(VllmWindowAttribute.AttnType)) ?? PinDefaults.AttnType);

    protected override GeneratedBackendClass Describe(VllmWindow parameters)
    {
        var decoder = parameters.AttnType == VllmAttentionType.Decoder;
        var constants = new List<BackendConstant>();
        var conditions = new List<string> { "col >= 0", "col < seqK" };
        var left = parameters.SlidingWindow - 1 ?? -1;
        if (parameters.SlidingWindow is int width)
        {
            constants.Add(BackendConstant.Int("SlidingWindow", width, "sliding_window: HF's config value; FlashAttention gets window_size[0] = sliding_window - 1."));
            conditions.Add("col >= row + shift - (SlidingWindow - 1)");
        }

        constants.Add(BackendConstant.Enum("AttnType", parameters.AttnType, decoder ? "attn_type = AttentionType.DECODER: causal, window_size[1] = 0." : "attn_type = AttentionType.ENCODER_ONLY: not causal, window_size[1] = sliding_window - 1."));
        if (decoder)
        {
            conditions.Add("col < row + 1 + shift");
        }
        else if (parameters.SlidingWindow.HasValue)
        {
            conditions.Add("col < row + 1 + shift + (SlidingWindow - 1)");
        }

        var right = decoder ? 0 : left;
        var configured = parameters.SlidingWindow?.ToString(CultureInfo.InvariantCulture) ?? "None";
        return new(
            constants, $"{(parameters.SlidingWindow.HasValue ? "SlidingWindow" : "null")}, AttnType",
            "row", "col", "seqQ", "seqK",
            new[] { "// FlashAttention's mask.h with the window_size vLLM passes it.", "long shift = (long)seqK - seqQ;" },
            conditions,
            decoder
                ? new[]
                {
                    $"# vLLM takes HF's config.sliding_window = {configured} and passes it on as:",
                    $"flash_attn_varlen_func(..., causal=True, window_size=({left}, {right}))  # FlashAttention backend",
                    $"wrapper.plan(..., causal=True, window_left={left})  # FlashInfer backend",
                }
                : new[]
                {
                    $"# vLLM takes HF's config.sliding_window = {configured}, attn_type=AttentionType.ENCODER_ONLY, and passes it on as:",
                    $"flash_attn_varlen_func(..., causal=False, window_size=({left}, {right}))  # FlashAttention backend; FlashInfer rejects encoder attention",
                });
    }
}
