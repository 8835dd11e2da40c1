using System;
using System.Collections.Generic;

namespace KernelGen;

/// <summary>llama.cpp's <c>llama_swa_type</c> (<c>src/llama-hparams.h</c>), with its values.</summary>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
enum LlamaSwaType
{
    /// <summary><c>LLAMA_SWA_TYPE_NONE</c>: no window; <c>n_swa</c> is not read.</summary>
    None = 0,

    /// <summary><c>LLAMA_SWA_TYPE_STANDARD</c>: key position p0 is hidden from query position p1 when <c>p1 - p0 &gt;= n_swa</c>.</summary>
    Standard = 1,

    /// <summary>
    /// <c>LLAMA_SWA_TYPE_CHUNKED</c> (Llama 4's local layers): hidden when <c>p0 &lt; (p1 / n_swa) * n_swa</c>, before the
    /// start of the query's chunk. With <c>causal_attn</c> this is causal chunked attention in chunks of <c>n_swa</c>;
    /// without it every later chunk is visible too, which is not chunked attention and is refused.
    /// </summary>
    Chunked = 2,

    /// <summary><c>LLAMA_SWA_TYPE_SYMMETRIC</c>: hidden when <c>p1 - p0</c> is below <c>-(n_swa / 2)</c> or above <c>n_swa / 2</c>.</summary>
    Symmetric = 3,
}

/// <summary>
/// llama.cpp's sliding window: <c>llama_kv_cache::set_input_kq_mask</c> hides key position p0 from query position p1
/// when <c>causal_attn</c> and <c>p0 &gt; p1</c>, then when <c>llama_hparams::is_masked_swa(n_swa, swa_type, p0, p1)</c>
/// (<c>src/llama-kv-cache.cpp</c>, <c>src/llama-hparams.cpp</c>). Positions are absolute: a batch of seqQ tokens after
/// seqK - seqQ cached ones is bottom-right.
/// </summary>
/// <param name="NSwa"><c>n_swa</c>, the window size (GGUF <c>&lt;arch&gt;.attention.sliding_window</c>); 0 with no window.</param>
/// <param name="SwaType"><c>swa_type</c>.</param>
/// <param name="CausalAttn"><c>causal_attn</c>: keys after the query are hidden.</param>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct LlamaCppWindow(int NSwa, LlamaSwaType SwaType, bool CausalAttn)
{
    /// <summary>llama.cpp's test: the causal mask, then <c>is_masked_swa</c>, on absolute positions.</summary>
    public bool IsVisible(int query, int key, int seqQ, int seqK)
    {
        long p1 = query + ((long)seqK - seqQ);
        long p0 = key;
        var maskedSwa = SwaType switch
        {
            LlamaSwaType.Standard => p1 - p0 >= NSwa,
            LlamaSwaType.Chunked => p0 < p1 / NSwa * NSwa,
            LlamaSwaType.Symmetric => p1 - p0 < -(NSwa / 2) || p1 - p0 > NSwa / 2,
            _ => false,
        };
        return key >= 0 && key < seqK && !(CausalAttn && p0 > p1) && !maskedSwa;
    }
}

readonly partial record struct AttentionWindow
{
    /// <summary>This window as llama.cpp's <c>n_swa</c>, <c>swa_type</c> and <c>causal_attn</c>, or the reason it has none.</summary>
    public bool TryToLlamaCpp(out LlamaCppWindow window, out string? reason)
    {
        if (BackendDescriptor.For(Backend.LlamaCpp).ChunkOrSinkRefusal(this) is string refusal)
        {
            (window, reason) = (default, refusal);
            return false;
        }

        window = default;
        if (ChunkSize is int chunkSize)
        {
            // The chunked swa_type takes n_swa as the chunk size and nothing else: causal, no window inside the chunk.
            reason = Alignment != WindowAlignment.BottomRight ? "llama.cpp masks absolute positions, which is bottom-right alignment"
                : Left is not null || Right != 0 ? "llama.cpp's chunked swa_type is causal chunked attention alone (Right = 0, no left bound): its one n_swa is the chunk size, so no window inside the chunk"
                : null;
            window = reason is null ? new LlamaCppWindow(chunkSize, LlamaSwaType.Chunked, CausalAttn: true) : default;
            return reason is null;
        }

        reason = (Alignment, Left, Right) switch
        {
            (not WindowAlignment.BottomRight, _, _) => "llama.cpp masks absolute positions, which is bottom-right alignment",
            (_, null, 0 or null) => null,
            (_, int.MaxValue, 0 or null) => "n_swa would be Left + 1 = 2147483648, beyond int",
            (_, >= 0, 0 or null) => null,
            (_, > int.MaxValue / 2, int right) when right == Left => "n_swa would be 2 * Left, beyond int",
            (_, > 0, int right) when right == Left => null,
            _ => "llama.cpp's windows are the n_swa positions up to the query (standard swa_type: (n_swa - 1, 0), or no right bound without causal_attn) or |p1 - p0| <= n_swa / 2 (symmetric: (n_swa / 2, n_swa / 2)), nothing else",
        };
        if (reason is null)
        {
            window = Left switch
            {
                null => new LlamaCppWindow(0, LlamaSwaType.None, CausalAttn: Right == 0),
                int left when Right == left && left > 0 => new LlamaCppWindow(2 * left, LlamaSwaType.Symmetric, CausalAttn: false),
                int left => new LlamaCppWindow(left + 1, LlamaSwaType.Standard, CausalAttn: Right == 0),
            };
        }

        return reason is null;
    }

    /// <summary>This window as llama.cpp's <c>n_swa</c>, <c>swa_type</c> and <c>causal_attn</c>.</summary>
    /// <exception cref="WindowNotExpressibleException">llama.cpp cannot express it.</exception>
    public LlamaCppWindow ToLlamaCpp() =>
        TryToLlamaCpp(out var window, out var reason) ? window : throw new WindowNotExpressibleException(Backend.LlamaCpp, this, reason!);

    /// <summary>The window llama.cpp applies for <paramref name="window"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative <c>n_swa</c>, or 0 with a window type.</exception>
    /// <exception cref="NotSupportedException">The chunked type without <c>causal_attn</c>, which shows every later chunk.</exception>
    public static AttentionWindow FromLlamaCpp(LlamaCppWindow window)
    {
        if (window.NSwa < (window.SwaType == LlamaSwaType.None ? 0 : 1))
        {
            throw new ArgumentOutOfRangeException(nameof(window), window.NSwa, "n_swa is an unsigned count, at least 1 with a window type; 0 means no window.");
        }

        int? right = window.CausalAttn ? 0 : null;
        return window.SwaType switch
        {
            LlamaSwaType.None => new(null, right),
            LlamaSwaType.Standard => new(window.NSwa - 1, right),
            LlamaSwaType.Symmetric => new(window.NSwa / 2, window.CausalAttn ? 0 : window.NSwa / 2),
            LlamaSwaType.Chunked when window.CausalAttn => new(null, 0, chunkSize: window.NSwa),
            LlamaSwaType.Chunked => throw new NotSupportedException(
                "llama.cpp's chunked swa_type without causal_attn shows each query every key from the start of its chunk on, later chunks included: that is not chunked attention, and KernelGen cannot express it"),
            _ => throw new ArgumentOutOfRangeException(nameof(window), window.SwaType, "Not a llama_swa_type."),
        };
    }
}

/// <summary>Pins llama.cpp's window on a spec. Omitted values take <c>llama_hparams</c>' defaults: no window type, causal.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
sealed class LlamaCppWindowAttribute : Attribute
{
    /// <summary><c>n_swa</c>.</summary>
    public int NSwa { get; set; }

    /// <summary><c>swa_type</c>.</summary>
    public LlamaSwaType SwaType { get; set; } = LlamaSwaType.None;

    /// <summary><c>causal_attn</c>.</summary>
    public bool CausalAttn { get; set; } = true;
}

/// <summary>llama.cpp / ggml.</summary>
internal sealed class LlamaCppBackend : BackendDescriptor<LlamaCppWindow, LlamaCppWindowAttribute>
{
    public override Backend Backend => Backend.LlamaCpp;

    public override string DisplayName => "llama.cpp";

    public override string NormalForm => "standard swa_type: L = n_swa - 1, R = 0 (no right bound without causal_attn); symmetric: L = R = n_swa / 2 (R = 0 with causal_attn); none: no window; chunked with causal_attn: no left bound, R = 0, chunks of n_swa (without causal_attn: refused)";

    public override bool ExpressesChunks => true;

    public override string Source => "llama.cpp `src/llama-hparams.cpp` `is_masked_swa` (01b77b57), `src/llama-kv-cache.cpp` `set_input_kq_mask` (the causal `p0 > p1` first; 001d906a), `llama_swa_type` in `src/llama-hparams.h`";

    public override bool TryReadConvention(int? left, int? right, bool causal, out int? canonicalLeft, out int? canonicalRight, out string? error)
    {
        canonicalLeft = canonicalRight = null;
        if (left is not int width || width < 1)
        {
            error = "llama.cpp's n_swa is a positive position count: give it as Left = n_swa";
            return false;
        }

        if (right is not (0 or null))
        {
            error = "Convention = Backend.LlamaCpp reads Left as the standard swa_type's n_swa, with Right = 0 or omitted; pin [LlamaCppWindow(NSwa = ..., SwaType = LlamaSwaType.Symmetric, CausalAttn = false)] for the symmetric type";
            return false;
        }

        var window = AttentionWindow.FromLlamaCpp(new LlamaCppWindow(width, LlamaSwaType.Standard, CausalAttn: right == 0 || causal));
        (canonicalLeft, canonicalRight, error) = (window.Left, window.Right, null);
        return true;
    }

    protected override bool TryConvert(AttentionWindow window, out LlamaCppWindow parameters, out string? reason) =>
        window.TryToLlamaCpp(out parameters, out reason);

    protected override AttentionWindow ToWindow(LlamaCppWindow parameters) => AttentionWindow.FromLlamaCpp(parameters);

    protected override bool IsVisible(LlamaCppWindow parameters, int query, int key, int seqQ, int seqK) =>
        parameters.IsVisible(query, key, seqQ, seqK);

    protected override LlamaCppWindow? Read(PinArguments pin) => new LlamaCppWindow(
        pin.Get<int>(nameof(LlamaCppWindowAttribute.NSwa)) ?? PinDefaults.NSwa,
        pin.Get<LlamaSwaType>(nameof(LlamaCppWindowAttribute.SwaType)) ?? PinDefaults.SwaType,
        pin.Get<bool>(nameof(LlamaCppWindowAttribute.CausalAttn)) ?? PinDefaults.CausalAttn);

    protected override GeneratedBackendClass Describe(LlamaCppWindow parameters)
    {
        var conditions = new List<string> { "j >= 0", "j < nKv" };
        if (parameters.CausalAttn)
        {
            conditions.Add("!(p0 > p1)");
        }

        if (parameters.SwaType == LlamaSwaType.Standard)
        {
            conditions.Add("!(p1 - p0 >= NSwa)");
        }
        else if (parameters.SwaType == LlamaSwaType.Symmetric)
        {
            conditions.Add("!(p1 - p0 < -(NSwa / 2) || p1 - p0 > NSwa / 2)");
        }
        else if (parameters.SwaType == LlamaSwaType.Chunked)
        {
            conditions.Add("!(p0 < p1 / NSwa * NSwa)");
        }

        var swaType = parameters.SwaType.ToString().ToUpperInvariant();
        return new(
            new[]
            {
                BackendConstant.Int("NSwa", parameters.NSwa, "n_swa: the window size (GGUF <arch>.attention.sliding_window); 0 with no window."),
                BackendConstant.Enum("SwaType", parameters.SwaType, $"swa_type = LLAMA_SWA_TYPE_{swaType}."),
                BackendConstant.Bool("CausalAttn", parameters.CausalAttn, "causal_attn: keys after the query are hidden."),
            },
            "NSwa, SwaType, CausalAttn", "i", "j", "nTokens", "nKv",
            new[]
            {
                "// set_input_kq_mask: absolute positions, the batch's nTokens after nKv - nTokens cached ones; the causal mask, then is_masked_swa.",
                "long p1 = i + ((long)nKv - nTokens);",
                "long p0 = j;",
            },
            conditions,
            new[]
            {
                $"hparams.n_swa    = {parameters.NSwa};  // GGUF <arch>.attention.sliding_window",
                $"hparams.swa_type = LLAMA_SWA_TYPE_{swaType};",
                $"// causal_attn = {(parameters.CausalAttn ? "true" : "false")}: llama_context_params.attention_type = LLAMA_ATTENTION_TYPE_{(parameters.CausalAttn ? "CAUSAL" : "NON_CAUSAL")}",
            });
    }
}
