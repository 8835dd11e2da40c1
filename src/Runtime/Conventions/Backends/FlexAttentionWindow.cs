using System;
using System.Collections.Generic;

namespace KernelGen;

/// <summary>
/// A PyTorch FlexAttention <c>mask_mod</c> for a sliding window, after attention-gym's <c>sliding_window</c>
/// (<c>q_idx - kv_idx &lt;= window</c>): FlexAttention sees raw indices, so a bottom-right window adds
/// <c>KV_LEN - Q_LEN</c> to the query index itself. Chunks are one more <c>and_masks</c> term,
/// <c>q // chunk == kv_idx // chunk</c> (Python's floor division, on the shifted <c>q</c>); sink tokens one
/// <c>or_masks</c> term, <c>kv_idx &lt; N</c> and'ed with the right bound, so a sink in a query's future stays hidden
/// (attention-gym's <c>or_masks</c> of a window and global keys, <c>attn_gym/masks/global_sliding_window.py</c>).
/// </summary>
/// <param name="WindowLeft">Keys before the diagonal, or <see langword="null"/> for all of them.</param>
/// <param name="WindowRight">Keys after the diagonal, or <see langword="null"/> for all of them.</param>
/// <param name="Alignment">Whether <c>mask_mod</c> shifts the query index by <c>KV_LEN - Q_LEN</c>.</param>
/// <param name="ChunkSize">The chunk <c>mask_mod</c>'s size, or <see langword="null"/> for no chunk term.</param>
/// <param name="SinkTokens">The sink <c>mask_mod</c>'s <c>N</c>, or <see langword="null"/> for no sink term.</param>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct FlexAttentionWindow(int? WindowLeft, int? WindowRight, WindowAlignment Alignment, int? ChunkSize = null, int? SinkTokens = null)
{
    /// <summary>
    /// The <c>mask_mod</c> test: <c>(q - kv &lt;= left and kv - q &lt;= right) or (kv &lt; sinks and kv - q &lt;= right)</c>,
    /// and'ed with <c>q // chunk == kv // chunk</c>, with <c>q</c> shifted for bottom-right.
    /// </summary>
    /// <exception cref="InvalidOperationException">A chunk size of 0 or less: Python's floor division fails or flips chunks.</exception>
    public bool IsVisible(int qIdx, int kvIdx, int qLen, int kvLen)
    {
        long q = Alignment == WindowAlignment.BottomRight ? qIdx + ((long)kvLen - qLen) : qIdx;
        var right = WindowRight is not int r || kvIdx - q <= r;
        var window = (WindowLeft is not int left || q - kvIdx <= left) && right;
        var sink = SinkTokens is int sinks && kvIdx < sinks && right;
        var chunk = ChunkSize is not int size || FloorDiv(q, size) == FloorDiv(kvIdx, size);
        return kvIdx >= 0 && kvIdx < kvLen && (window || sink) && chunk;
    }

    // Python's //, which rounds toward negative infinity.
    private static long FloorDiv(long value, long divisor) =>
        divisor <= 0 ? throw new InvalidOperationException("q_idx // chunk needs a positive chunk size.")
        : value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);
}

readonly partial record struct AttentionWindow
{
    /// <summary>This window as a FlexAttention <c>mask_mod</c>; every window has one.</summary>
    public bool TryToFlexAttention(out FlexAttentionWindow window, out string? reason)
    {
        if (BackendDescriptor.For(Backend.FlexAttention).ChunkOrSinkRefusal(this) is string refusal)
        {
            (window, reason) = (default, refusal);
            return false;
        }

        window = ToFlexAttention();
        reason = null;
        return true;
    }

    /// <summary>This window as a FlexAttention <c>mask_mod</c>.</summary>
    public FlexAttentionWindow ToFlexAttention() => new(Left, Right, Alignment, ChunkSize, SinkTokens > 0 ? SinkTokens : null);

    /// <summary>The window a FlexAttention <c>mask_mod</c> applies.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A chunk size below 1 or a negative sink count.</exception>
    /// <exception cref="NotSupportedException">Sink and chunk terms together, which KernelGen cannot express.</exception>
    public static AttentionWindow FromFlexAttention(FlexAttentionWindow window)
    {
        if (window.ChunkSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window.ChunkSize, "q_idx // chunk needs a chunk size of at least 1.");
        }

        if (window.SinkTokens < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window.SinkTokens, "kv_idx < N with a negative N hides every sink: write no sink term.");
        }

        // Without a left bound (or with no sinks) the sink term adds no key: the window already shows every earlier key.
        var sinks = window.WindowLeft is null ? 0 : window.SinkTokens ?? 0;
        if (sinks > 0 && window.ChunkSize is not null)
        {
            throw new NotSupportedException("A FlexAttention mask_mod with both a chunk term and a sink term hides the sinks from every chunk but the first; KernelGen's windows do not combine chunks and sink tokens");
        }

        return new(window.WindowLeft, window.WindowRight, window.Alignment, window.ChunkSize, sinks);
    }
}

/// <summary>Pins a FlexAttention sliding-window <c>mask_mod</c> on a spec. Omitted bounds are unbounded, omitted chunk and sink terms absent; raw indices (top-left) by default.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
sealed class FlexAttentionWindowAttribute : Attribute
{
    /// <summary><c>q_idx - kv_idx &lt;= WindowLeft</c>.</summary>
    public int WindowLeft { get; set; }

    /// <summary><c>kv_idx - q_idx &lt;= WindowRight</c>.</summary>
    public int WindowRight { get; set; }

    /// <summary>Whether <c>mask_mod</c> shifts <c>q_idx</c> by <c>KV_LEN - Q_LEN</c>.</summary>
    public WindowAlignment Alignment { get; set; } = WindowAlignment.TopLeft;

    /// <summary><c>q // ChunkSize == kv_idx // ChunkSize</c>, and'ed with the window; omitted: no chunk term.</summary>
    public int ChunkSize { get; set; }

    /// <summary><c>kv_idx &lt; SinkTokens</c> (and the right bound), or'ed with the window; omitted: no sink term.</summary>
    public int SinkTokens { get; set; }
}

/// <summary>PyTorch FlexAttention, with attention-gym's sliding-window <c>mask_mod</c>.</summary>
internal sealed class FlexAttentionBackend : BackendDescriptor<FlexAttentionWindow, FlexAttentionWindowAttribute>
{
    public override Backend Backend => Backend.FlexAttention;

    public override string DisplayName => "FlexAttention";

    public override string NormalForm => "mask_mod: q - kv <= L and kv - q <= R, q shifted by KV_LEN - Q_LEN for bottom-right; chunks: and q // S == kv // S; sink tokens: or (kv < N and kv - q <= R)";

    public override bool ExpressesChunks => true;

    public override bool ExpressesSinkTokens => true;

    public override string Source => "attention-gym `attn_gym/masks/sliding_window.py` (a7297215), `attn_gym/masks/global_sliding_window.py` (dcd51fec: `or_masks` of a window and global keys); `and_masks` / `or_masks` in `torch.nn.attention.flex_attention`";

    public override string AlignmentRule => "compares raw q_idx and kv_idx in mask_mod, which is top-left unless you add an offset";

    public override WindowAlignment? ImpliedAlignment(bool causal) => null;

    public override bool TryReadConvention(int? left, int? right, bool causal, out int? canonicalLeft, out int? canonicalRight, out string? error)
    {
        var window = AttentionWindow.FromFlexAttention(new FlexAttentionWindow(left, right, WindowAlignment.BottomRight));
        (canonicalLeft, canonicalRight, error) = (window.Left, window.Right, null);
        return true;
    }

    protected override bool TryConvert(AttentionWindow window, out FlexAttentionWindow parameters, out string? reason) =>
        window.TryToFlexAttention(out parameters, out reason);

    protected override AttentionWindow ToWindow(FlexAttentionWindow parameters) => AttentionWindow.FromFlexAttention(parameters);

    protected override bool IsVisible(FlexAttentionWindow parameters, int query, int key, int seqQ, int seqK) =>
        parameters.IsVisible(query, key, seqQ, seqK);

    // An omitted bound is no condition in mask_mod; only the alignment has a default.
    protected override FlexAttentionWindow? Read(PinArguments pin) => new FlexAttentionWindow(
        pin.Get<int>(nameof(FlexAttentionWindowAttribute.WindowLeft)),
        pin.Get<int>(nameof(FlexAttentionWindowAttribute.WindowRight)),
        pin.Get<WindowAlignment>(nameof(FlexAttentionWindowAttribute.Alignment)) ?? PinDefaults.Alignment,
        pin.Get<int>(nameof(FlexAttentionWindowAttribute.ChunkSize)),
        pin.Get<int>(nameof(FlexAttentionWindowAttribute.SinkTokens)));

    protected override GeneratedBackendClass Describe(FlexAttentionWindow parameters)
    {
        var constants = new List<BackendConstant>();
        var conditions = new List<string> { "kvIdx >= 0", "kvIdx < kvLen" };
        var python = new List<string>();
        if (parameters.WindowLeft is int left)
        {
            constants.Add(BackendConstant.Int("WindowLeft", left, "mask_mod: q_idx - kv_idx <= WindowLeft."));
            conditions.Add("q - kvIdx <= WindowLeft");
            python.Add($"(q - kv_idx <= {left})");
        }

        if (parameters.WindowRight is int right)
        {
            constants.Add(BackendConstant.Int("WindowRight", right, "mask_mod: kv_idx - q_idx <= WindowRight."));
            conditions.Add("kvIdx - q <= WindowRight");
            python.Add($"(kv_idx - q <= {right})");
        }

        var window = python.Count == 0 ? "q_idx >= 0" : string.Join(" & ", python);
        var sinkRight = parameters.WindowRight.HasValue ? " && kvIdx - q <= WindowRight" : string.Empty;
        if (parameters.SinkTokens is int sinks)
        {
            constants.Add(BackendConstant.Int("SinkTokens", sinks, "Sink mask_mod: kv_idx < SinkTokens (and the right bound), or'ed with the window."));
            conditions.RemoveAll(condition => condition.StartsWith("q - kvIdx", StringComparison.Ordinal) || condition.StartsWith("kvIdx - q", StringComparison.Ordinal));
            var windowTerms = new List<string>();
            if (parameters.WindowLeft.HasValue)
            {
                windowTerms.Add("q - kvIdx <= WindowLeft");
            }

            if (parameters.WindowRight.HasValue)
            {
                windowTerms.Add("kvIdx - q <= WindowRight");
            }

            conditions.Add($"(({(windowTerms.Count == 0 ? "true" : string.Join(" && ", windowTerms))}) || (kvIdx < SinkTokens{sinkRight}))");
            window = $"({window}) | ((kv_idx < {sinks}){(parameters.WindowRight is int sinkBound ? $" & (kv_idx - q <= {sinkBound})" : string.Empty)})";
        }

        if (parameters.ChunkSize is int chunk)
        {
            constants.Add(BackendConstant.Int("ChunkSize", chunk, "Chunk mask_mod: q // ChunkSize == kv_idx // ChunkSize, and'ed with the window."));
            conditions.Add("(q >= 0 ? q / ChunkSize : (q - ChunkSize + 1) / ChunkSize) == kvIdx / ChunkSize");
            window = $"({window}) & (q // {chunk} == kv_idx // {chunk})";
        }

        var bottomRight = parameters.Alignment == WindowAlignment.BottomRight;
        constants.Add(BackendConstant.Enum("Alignment", parameters.Alignment, "FlexAttention sees raw indices: bottom-right windows shift q_idx by KV_LEN - Q_LEN."));
        var arguments = $"{(parameters.WindowLeft.HasValue ? "WindowLeft" : "null")}, {(parameters.WindowRight.HasValue ? "WindowRight" : "null")}, Alignment";
        if (parameters.ChunkSize.HasValue || parameters.SinkTokens.HasValue)
        {
            arguments += $", {(parameters.ChunkSize.HasValue ? "ChunkSize" : "null")}, {(parameters.SinkTokens.HasValue ? "SinkTokens" : "null")}";
        }

        return new(
            constants,
            arguments,
            "qIdx", "kvIdx", "qLen", "kvLen",
            new[] { bottomRight ? "long q = qIdx + ((long)kvLen - qLen);" : "long q = qIdx;" },
            conditions,
            new[]
            {
                "def mask_mod(b, h, q_idx, kv_idx):",
                bottomRight ? "    q = q_idx + (KV_LEN - Q_LEN)  # bottom-right alignment" : "    q = q_idx  # top-left alignment",
                $"    return {window}",
                "block_mask = create_block_mask(mask_mod, B, H, Q_LEN, KV_LEN)",
                "out = flex_attention(q, k, v, block_mask=block_mask)",
            });
    }
}
