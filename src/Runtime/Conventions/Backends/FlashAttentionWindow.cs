using System;
using System.Collections.Generic;

namespace KernelGen;

/// <summary>
/// FlashAttention 2 and 3: <c>flash_attn_func(..., window_size=(WindowSizeLeft, WindowSizeRight))</c>, both inclusive,
/// <c>-1</c> = unbounded, always bottom-right (<c>csrc/flash_attn/src/mask.h</c>). FlashAttention 3 (<c>hopper</c>) also
/// takes <c>attention_chunk</c>: <c>hopper/mask.h</c> limits row <c>row_idx</c> to the keys from
/// <c>round_down(attention_chunk_divmod, row_idx + seqlen_k - seqlen_q)</c> to that plus the chunk, intersected with the
/// local window, so chunks are counted from key 0 on absolute positions with the bottom-right diagonal, as KernelGen's.
/// </summary>
/// <param name="WindowSizeLeft">Keys before the diagonal, or -1 for all of them.</param>
/// <param name="WindowSizeRight">Keys after the diagonal, or -1 for all of them.</param>
/// <param name="AttentionChunk">FlashAttention 3's <c>attention_chunk</c>; <see langword="null"/> or 0 for none (FlashAttention 2 has none).</param>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct FlashAttentionWindow(int WindowSizeLeft, int WindowSizeRight, int? AttentionChunk = null)
{
    /// <summary>
    /// FlashAttention's own test, as in <c>mask.h</c>: key <c>col</c> is masked below <c>row + seqK - seqQ - left</c> and from
    /// <c>row + 1 + seqK - seqQ + right</c> on; with <c>attention_chunk</c>, also below the chunk start
    /// <c>round_down(row + seqK - seqQ)</c> and from that plus the chunk on.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// <c>attention_chunk</c> with a row whose position <c>row + seqK - seqQ</c> is negative (seqQ &gt; seqK): FastDivmod
    /// divides unsigned, so hopper's chunk start for it is not the floor KernelGen would need.
    /// </exception>
    public bool IsVisible(int row, int col, int seqQ, int seqK)
    {
        long shift = (long)seqK - seqQ;
        var limitLeft = WindowSizeLeft < 0 ? 0 : row + shift - WindowSizeLeft;
        var limitRight = WindowSizeRight < 0 ? seqK : row + 1 + shift + WindowSizeRight;
        if (AttentionChunk is int chunk && chunk > 0)
        {
            var position = row + shift;
            if (position < 0)
            {
                throw new InvalidOperationException($"attention_chunk with seqlen_q {seqQ} > seqlen_k {seqK}: row {row}'s position is negative, which FastDivmod does not round down");
            }

            var chunkLeft = position / chunk * chunk;
            limitLeft = Math.Max(limitLeft, chunkLeft);
            limitRight = Math.Min(limitRight, chunkLeft + chunk);
        }

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
            window = new FlashAttentionWindow(Left ?? -1, Right ?? -1, ChunkSize);
        }

        return reason is null;
    }

    /// <summary>This window as FlashAttention 2/3's <c>window_size</c>.</summary>
    /// <exception cref="WindowNotExpressibleException">FlashAttention cannot express it.</exception>
    public FlashAttentionWindow ToFlashAttention() =>
        TryToFlashAttention(out var window, out var reason) ? window : throw new WindowNotExpressibleException(Backend.FlashAttention2, this, reason!);

    /// <summary>The window FlashAttention 2/3 applies for <paramref name="window"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A bound below -1, or a negative <c>attention_chunk</c>.</exception>
    public static AttentionWindow FromFlashAttention(FlashAttentionWindow window) =>
        new(
            Sentinel(window.WindowSizeLeft, nameof(window.WindowSizeLeft)),
            Sentinel(window.WindowSizeRight, nameof(window.WindowSizeRight)),
            chunkSize: window.AttentionChunk switch
            {
                null or 0 => null,
                < 0 => throw new ArgumentOutOfRangeException(nameof(window), window.AttentionChunk, "attention_chunk is 0 (none) or a positive chunk size."),
                int chunk => chunk,
            });

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

    /// <summary>FlashAttention 3's <c>attention_chunk</c>; 0 (omitted) for none.</summary>
    public int AttentionChunk { get; set; }
}

/// <summary>FlashAttention 2 and 3.</summary>
internal sealed class FlashAttentionBackend : BackendDescriptor<FlashAttentionWindow, FlashAttentionWindowAttribute>
{
    public override Backend Backend => Backend.FlashAttention2;

    public override string DisplayName => "FlashAttention 2/3";

    public override string NormalForm => "L = window_size[0], R = window_size[1]; -1 = unbounded; FlashAttention 3's attention_chunk = chunk size (0 = none), chunks from key 0 on bottom-right positions (refused at run time when seqlen_q > seqlen_k)";

    public override bool ExpressesChunks => true;

    public override string Source => "flash-attn `csrc/flash_attn/src/mask.h`, `flash_attn_interface.py`; attention_chunk: `hopper/mask.h` `Mask::apply` (`round_down(attention_chunk_divmod, row_idx + seqlen_k - seqlen_q)`), `hopper/flash_api.cpp` `set_params_fprop` (is_local with attention_chunk >= 1)";

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

    // hopper's chunk start of a negative position (seqlen_q > seqlen_k) goes through FastDivmod's unsigned division.
    protected override bool AppliesWindow(FlashAttentionWindow parameters, int seqQ, int seqK, out string? reason)
    {
        reason = parameters.AttentionChunk > 0 && seqQ > seqK
            ? $"with attention_chunk and seqlen_q {seqQ} > seqlen_k {seqK} the first rows' positions are negative, and hopper's FastDivmod does not round them down to a chunk start"
            : null;
        return reason is null;
    }

    protected override FlashAttentionWindow? Read(PinArguments pin) => new FlashAttentionWindow(
        pin.Get<int>(nameof(FlashAttentionWindowAttribute.WindowSizeLeft)) ?? PinDefaults.WindowSizeLeft,
        pin.Get<int>(nameof(FlashAttentionWindowAttribute.WindowSizeRight)) ?? PinDefaults.WindowSizeRight,
        pin.Get<int>(nameof(FlashAttentionWindowAttribute.AttentionChunk)));

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

        var constants = new List<BackendConstant>
        {
            BackendConstant.Int("WindowSizeLeft", parameters.WindowSizeLeft, "window_size[0]: keys before the diagonal (-1: all)."),
            BackendConstant.Int("WindowSizeRight", parameters.WindowSizeRight, "window_size[1]: keys after the diagonal (-1: all)."),
        };
        var prelude = new List<string> { "// mask.h: keys below row + seqK - seqQ - left and from row + 1 + seqK - seqQ + right on are masked.", "long shift = (long)seqK - seqQ;" };
        if (parameters.AttentionChunk is not (> 0 and int chunk))
        {
            return new(
                constants,
                parameters.AttentionChunk is null ? "WindowSizeLeft, WindowSizeRight" : $"WindowSizeLeft, WindowSizeRight, {parameters.AttentionChunk}",
                "row", "col", "seqQ", "seqK",
                prelude,
                conditions,
                new[] { "from flash_attn import flash_attn_func", $"out = flash_attn_func(q, k, v, window_size=({parameters.WindowSizeLeft}, {parameters.WindowSizeRight}))" });
        }

        constants.Add(BackendConstant.Int("AttentionChunk", chunk, "attention_chunk (FlashAttention 3): each row sees only its chunk of keys, counted from key 0."));
        prelude.Add("// hopper/mask.h: the chunk starts at round_down(attention_chunk_divmod, row + seqK - seqQ), intersected with the window.");
        prelude.Add("if (row + shift < 0) throw new global::System.InvalidOperationException(\"attention_chunk with seqlen_q > seqlen_k: a negative position, which FastDivmod does not round down.\");");
        prelude.Add("long chunkLeft = (row + shift) / AttentionChunk * AttentionChunk;");
        conditions.Add("col >= chunkLeft");
        conditions.Add("col < chunkLeft + AttentionChunk");
        return new(
            constants,
            "WindowSizeLeft, WindowSizeRight, AttentionChunk", "row", "col", "seqQ", "seqK",
            prelude,
            conditions,
            new[]
            {
                "from flash_attn_interface import flash_attn_func  # FlashAttention 3 (hopper); FlashAttention 2 has no attention_chunk",
                $"out = flash_attn_func(q, k, v, window_size=({parameters.WindowSizeLeft}, {parameters.WindowSizeRight}), attention_chunk={chunk})",
            });
    }
}
