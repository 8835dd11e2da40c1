using System.Collections.Generic;
using System.Globalization;

namespace KernelGen.Generator.Emitting;

/// <summary>One constant of a backend class.</summary>
internal sealed record BackendConstant(string Type, string Name, string Value, string Documentation);

/// <summary>What a backend class holds: constants, the record they make, the native test and its usage.</summary>
internal sealed record BackendDescription(
    IReadOnlyList<BackendConstant> Constants,
    string RecordType,
    string RecordArguments,
    string QueryName,
    string KeyName,
    string SeqQName,
    string SeqKName,
    IReadOnlyList<string> Setup,
    IReadOnlyList<string> Conditions,
    IReadOnlyList<string> Usage);

/// <summary>A backend and how to describe a window in its terms (null with a reason when it cannot).</summary>
internal sealed record BackendEntry(Backend Backend, BackendEntry.Describer Describe)
{
    public delegate BackendDescription? Describer(AttentionWindow window, out string? reason);
}

/// <summary>
/// Each backend's parameters, native arithmetic and Python usage. The numbers come from the shared conversions
/// (<c>AttentionWindow.ToX</c>); only their spelling lives here.
/// </summary>
internal static class BackendDescriptions
{
    private const string Alignment = "global::KernelGen.WindowAlignment";

    public static IReadOnlyList<BackendEntry> All { get; } = new BackendEntry[]
    {
        new(Backend.FlashAttention2, FlashAttention),
        new(Backend.FlashAttention4, FlashAttention4),
        new(Backend.CuDnn, CuDnn),
        new(Backend.TransformerEngine, TransformerEngine),
        new(Backend.FlexAttention, FlexAttention),
        new(Backend.HuggingFace, HuggingFace),
        new(Backend.FlashInfer, FlashInfer),
        new(Backend.OnnxRuntime, OnnxRuntime),
        new(Backend.XFormers, XFormers),
        new(Backend.Jax, Jax),
    };

    private static BackendDescription? FlashAttention(AttentionWindow window, out string? reason)
    {
        if (!window.TryToFlashAttention(out var p, out reason))
        {
            return null;
        }

        var conditions = new List<string> { "col >= 0", "col < seqK" };
        if (p.WindowSizeLeft >= 0)
        {
            conditions.Add("col >= row + shift - WindowSizeLeft");
        }

        if (p.WindowSizeRight >= 0)
        {
            conditions.Add("col < row + 1 + shift + WindowSizeRight");
        }

        return new(
            new[] { Int("WindowSizeLeft", p.WindowSizeLeft, "window_size[0]: keys before the diagonal (-1: all)."), Int("WindowSizeRight", p.WindowSizeRight, "window_size[1]: keys after the diagonal (-1: all).") },
            "FlashAttentionWindow", "WindowSizeLeft, WindowSizeRight", "row", "col", "seqQ", "seqK",
            new[] { "// mask.h: keys below row + seqK - seqQ - left and from row + 1 + seqK - seqQ + right on are masked.", "long shift = (long)seqK - seqQ;" },
            conditions,
            new[] { "from flash_attn import flash_attn_func", $"out = flash_attn_func(q, k, v, window_size=({p.WindowSizeLeft}, {p.WindowSizeRight}))" });
    }

    private static BackendDescription? FlashAttention4(AttentionWindow window, out string? reason)
    {
        if (!window.TryToFlashAttention4(out var p, out reason))
        {
            return null;
        }

        var constants = new List<BackendConstant>();
        var conditions = new List<string> { "col >= 0", "col < seqK" };
        if (p.WindowSizeLeft is int left)
        {
            constants.Add(Int("WindowSizeLeft", left, "window_size[0]: keys before the diagonal; negative values are literal offsets."));
            conditions.Add("col >= diagonal - WindowSizeLeft");
        }

        if (p.WindowSizeRight is int right)
        {
            constants.Add(Int("WindowSizeRight", right, "window_size[1]: keys after the diagonal; negative values are literal offsets."));
            conditions.Add("col <= diagonal + WindowSizeRight");
        }

        return new(
            constants, "FlashAttention4Window", $"{(p.WindowSizeLeft.HasValue ? "WindowSizeLeft" : "null")}, {(p.WindowSizeRight.HasValue ? "WindowSizeRight" : "null")}",
            "row", "col", "seqQ", "seqK",
            new[] { "long diagonal = row + ((long)seqK - seqQ);" },
            conditions,
            new[] { "from flash_attn.cute import flash_attn_func", $"out = flash_attn_func(q, k, v, window_size=({Python(p.WindowSizeLeft)}, {Python(p.WindowSizeRight)}))" });
    }

    private static BackendDescription? CuDnn(AttentionWindow window, out string? reason)
    {
        if (!window.TryToCuDnn(out var p, out reason))
        {
            return null;
        }

        var constants = new List<BackendConstant>();
        var conditions = new List<string> { "key >= 0", "key < seqK" };
        var arguments = new List<string>();
        if (p.DiagonalBandLeftBound is int left)
        {
            constants.Add(Int("DiagonalBandLeftBound", left, "diagonal_band_left_bound: exclusive, so it counts the diagonal key (the inclusive left bound + 1)."));
            conditions.Add("key + DiagonalBandLeftBound > diagonal");
            arguments.Add($"diagonal_band_left_bound={left}");
        }

        if (p.DiagonalBandRightBound is int right)
        {
            constants.Add(Int("DiagonalBandRightBound", right, "diagonal_band_right_bound: keys after the diagonal (inclusive)."));
            conditions.Add("key <= diagonal + DiagonalBandRightBound");
            arguments.Add($"diagonal_band_right_bound={right}");
        }

        constants.Add(new(Alignment, "DiagonalAlignment", $"{Alignment}.{p.DiagonalAlignment}", "diagonal_alignment: state it; cuDNN's default is TOP_LEFT."));
        var alignment = p.DiagonalAlignment == WindowAlignment.BottomRight ? "BOTTOM_RIGHT" : "TOP_LEFT";
        return new(
            constants, "CuDnnWindow",
            $"{(p.DiagonalBandLeftBound.HasValue ? "DiagonalBandLeftBound" : "null")}, {(p.DiagonalBandRightBound.HasValue ? "DiagonalBandRightBound" : "null")}, DiagonalAlignment",
            "query", "key", "seqQ", "seqK",
            new[] { p.DiagonalAlignment == WindowAlignment.BottomRight ? "long diagonal = query + ((long)seqK - seqQ);" : "long diagonal = query;" },
            conditions,
            new[] { $"o, stats = graph.sdpa(q, k, v, attn_scale=scale, diagonal_alignment=cudnn.diagonal_alignment.{alignment},", $"                        {string.Join(", ", arguments)})" });
    }

    private static BackendDescription? TransformerEngine(AttentionWindow window, out string? reason)
    {
        if (!window.TryToTransformerEngine(out var p, out reason))
        {
            return null;
        }

        var conditions = new List<string> { "col >= 0", "col < seqK" };
        if (p.WindowSizeRight >= 0)
        {
            conditions.Add("!(col > diagonal + WindowSizeRight)");
        }

        if (p.WindowSizeLeft >= 0)
        {
            conditions.Add("!(col < diagonal - WindowSizeLeft)");
        }

        var maskType = p.AttnMaskType switch
        {
            TransformerEngineMaskType.Causal => "causal",
            TransformerEngineMaskType.CausalBottomRight => "causal_bottom_right",
            _ => "no_mask",
        };
        var bottomRight = p.Alignment == WindowAlignment.BottomRight;
        var usage = $"attn = DotProductAttention(num_heads, head_dim, attn_mask_type=\"{maskType}\", window_size=({p.WindowSizeLeft}, {p.WindowSizeRight}))";
        return new(
            new[]
            {
                Int("WindowSizeLeft", p.WindowSizeLeft, "window_size[0]: keys before the diagonal (-1: all)."),
                Int("WindowSizeRight", p.WindowSizeRight, "window_size[1]: keys after the diagonal (-1: all)."),
                new BackendConstant("global::KernelGen.TransformerEngineMaskType", "AttnMaskType", $"global::KernelGen.TransformerEngineMaskType.{p.AttnMaskType}", $"attn_mask_type=\"{maskType}\"."),
                new BackendConstant("bool", "BottomRightDiagonal", bottomRight ? "true" : "false", "bottom_right_diagonal: the alignment of no_mask windows."),
            },
            "TransformerEngineWindow", "WindowSizeLeft, WindowSizeRight, AttnMaskType, BottomRightDiagonal",
            "row", "col", "seqQ", "seqK",
            new[] { "// get_full_mask: masked when col > diagonal + right or col < diagonal - left.", bottomRight ? "long diagonal = row + ((long)seqK - seqQ);" : "long diagonal = row;" },
            conditions,
            p.AttnMaskType == TransformerEngineMaskType.NoMask
                ? new[] { usage, $"out = attn(q, k, v, bottom_right_diagonal={(bottomRight ? "True" : "False")})" }
                : new[] { usage, "out = attn(q, k, v)" });
    }

    private static BackendDescription? FlexAttention(AttentionWindow window, out string? reason)
    {
        if (!window.TryToFlexAttention(out var p, out reason))
        {
            return null;
        }

        var constants = new List<BackendConstant>();
        var conditions = new List<string> { "kvIdx >= 0", "kvIdx < kvLen" };
        var python = new List<string>();
        if (p.WindowLeft is int left)
        {
            constants.Add(Int("WindowLeft", left, "mask_mod: q_idx - kv_idx <= WindowLeft."));
            conditions.Add("q - kvIdx <= WindowLeft");
            python.Add($"(q - kv_idx <= {left})");
        }

        if (p.WindowRight is int right)
        {
            constants.Add(Int("WindowRight", right, "mask_mod: kv_idx - q_idx <= WindowRight."));
            conditions.Add("kvIdx - q <= WindowRight");
            python.Add($"(kv_idx - q <= {right})");
        }

        var bottomRight = p.Alignment == WindowAlignment.BottomRight;
        constants.Add(new(Alignment, "Alignment", $"{Alignment}.{p.Alignment}", "FlexAttention sees raw indices: bottom-right windows shift q_idx by KV_LEN - Q_LEN."));
        return new(
            constants, "FlexAttentionWindow",
            $"{(p.WindowLeft.HasValue ? "WindowLeft" : "null")}, {(p.WindowRight.HasValue ? "WindowRight" : "null")}, Alignment",
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

    private static BackendDescription? HuggingFace(AttentionWindow window, out string? reason)
    {
        if (!window.TryToHuggingFace(out var p, out reason))
        {
            return null;
        }

        return new(
            new[]
            {
                Int("SlidingWindow", p.SlidingWindow, p.IsCausal ? "config.sliding_window: W keys, the query's own included." : "config.sliding_window: |q - kv| <= W."),
                new BackendConstant("bool", "IsCausal", p.IsCausal ? "true" : "false", "Causal (decoder) or bidirectional (encoder) overlay."),
            },
            "HuggingFaceWindow", "SlidingWindow, IsCausal", "qIdx", "kvIdx", "qLen", "kvLen",
            new[] { "// Absolute positions: the query's position is its cache position.", "long q = qIdx + ((long)kvLen - qLen);" },
            p.IsCausal
                ? new[] { "kvIdx >= 0", "kvIdx < kvLen", "kvIdx > q - SlidingWindow", "kvIdx <= q" }
                : new[] { "kvIdx >= 0", "kvIdx < kvLen", "global::System.Math.Abs(q - kvIdx) <= SlidingWindow" },
            new[] { $"config.sliding_window = {p.SlidingWindow}{(p.IsCausal ? "  # causal model" : "  # bidirectional (encoder) model")}" });
    }

    private static BackendDescription? FlashInfer(AttentionWindow window, out string? reason)
    {
        if (!window.TryToFlashInfer(out var p, out reason))
        {
            return null;
        }

        var conditions = new List<string> { "kvIdx >= 0", "kvIdx < kvLen" };
        if (p.WindowLeft >= 0)
        {
            conditions.Add("kvIdx + WindowLeft >= diagonal");
        }

        if (p.WindowRight >= 0)
        {
            conditions.Add("kvIdx <= diagonal + WindowRight");
        }

        return new(
            new[] { Int("WindowLeft", p.WindowLeft, "window_left: keys before the diagonal (-1: all)."), Int("WindowRight", p.WindowRight, "window_right: keys after the diagonal (-1: all).") },
            "FlashInferWindow", "WindowLeft, WindowRight", "qoIdx", "kvIdx", "qoLen", "kvLen",
            new[] { "long diagonal = qoIdx + ((long)kvLen - qoLen);" },
            conditions,
            p.WindowRight == 0
                ? new[] { $"out = flashinfer.single_prefill_with_kv_cache(q, k, v, causal=True, window_left={p.WindowLeft})" }
                : new[] { $"# window_right = {p.WindowRight}: only FlashInfer backends with a right window take it", $"out = flashinfer.single_prefill_with_kv_cache(q, k, v, causal=False, window_left={p.WindowLeft})" });
    }

    private static BackendDescription? OnnxRuntime(AttentionWindow window, out string? reason)
    {
        if (!window.TryToOnnxRuntime(out var p, out reason))
        {
            return null;
        }

        return new(
            new[] { Int("LocalWindowSize", p.LocalWindowSize, "local_window_size: keys the query sees, its own included (-1: all), as ONNX Runtime 1.31.1 reads it.") },
            "OnnxRuntimeWindow", "LocalWindowSize", "seq", "totalSeqId", "sequenceLength", "totalSequenceLength",
            new[]
            {
                "// gqa_attention_base.h (1.31.1): seq_causal_length = past + seq + 1; a window keeps its last local_window_size keys.",
                "long seqCausalLength = ((long)totalSequenceLength - sequenceLength) + seq + 1;",
                p.LocalWindowSize >= 0
                    ? "long startOffset = seqCausalLength > LocalWindowSize ? seqCausalLength - LocalWindowSize : 0;"
                    : "long startOffset = 0;",
            },
            new[] { "totalSeqId >= startOffset", "totalSeqId < seqCausalLength", "totalSeqId < totalSequenceLength" },
            new[] { $"helper.make_node(\"GroupQueryAttention\", inputs, outputs, domain=\"com.microsoft\",", $"                 num_heads=heads, kv_num_heads=kv_heads, local_window_size={p.LocalWindowSize})" });
    }

    private static BackendDescription? XFormers(AttentionWindow window, out string? reason)
    {
        if (!window.TryToXFormers(out var p, out reason))
        {
            return null;
        }

        return new(
            new[] { Int("WindowLeft", p.WindowLeft, "window_left: keys before the diagonal."), Int("WindowRight", p.WindowRight, "window_right: keys after the diagonal.") },
            "XFormersWindow", "WindowLeft, WindowRight", "row", "col", "seqQ", "seqK",
            new[] { "// materialize: tril(diagonal=window_right + shift).triu(diagonal=-window_left + shift), shift = seqK - seqQ.", "long offset = col - (row + ((long)seqK - seqQ));" },
            new[] { "col >= 0", "col < seqK", "offset <= WindowRight", "offset >= -WindowLeft" },
            new[] { $"bias = LocalAttentionFromBottomRightMask(window_left={p.WindowLeft}, window_right={p.WindowRight})", "out = xops.memory_efficient_attention(q, k, v, attn_bias=bias)" });
    }

    private static BackendDescription? Jax(AttentionWindow window, out string? reason)
    {
        if (!window.TryToJax(out var p, out reason))
        {
            return null;
        }

        return new(
            new[] { Int("Left", p.Left, "local_window_size[0]: keys before the diagonal."), Int("Right", p.Right, "local_window_size[1]: keys after the diagonal.") },
            "JaxWindow", "Left, Right", "row", "col", "seqQ", "seqK",
            new[] { "// Raw indices: top-left alignment." },
            new[] { "col >= 0", "col < seqK", "col >= (long)row - Left", "col <= (long)row + Right" },
            new[] { $"out = jax.nn.dot_product_attention(q, k, v, local_window_size=({p.Left}, {p.Right}))" });
    }

    private static BackendConstant Int(string name, int value, string documentation) =>
        new("int", name, value.ToString(CultureInfo.InvariantCulture), documentation);

    private static string Python(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "None";
}
