using System;
using System.Collections.Generic;

namespace KernelGen;

/// <summary>
/// cuDNN frontend's SDPA diagonal band: key <c>j</c> is visible iff <c>j + DiagonalBandLeftBound &gt; diagonal</c> and
/// <c>j &lt;= diagonal + DiagonalBandRightBound</c>, so the left bound is exclusive: it counts the diagonal key
/// itself (<c>include/cudnn_frontend/graph_properties.h</c>; <c>diagonal_alignment</c> defaults to TOP_LEFT).
/// </summary>
/// <param name="DiagonalBandLeftBound"><c>set_diagonal_band_left_bound</c> (alias <c>sliding_window_length</c>), or <see langword="null"/> for none.</param>
/// <param name="DiagonalBandRightBound"><c>set_diagonal_band_right_bound</c>, or <see langword="null"/> for none.</param>
/// <param name="DiagonalAlignment"><c>set_diagonal_alignment</c>: TOP_LEFT or BOTTOM_RIGHT.</param>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct CuDnnWindow(int? DiagonalBandLeftBound, int? DiagonalBandRightBound, WindowAlignment DiagonalAlignment)
{
    /// <summary>cuDNN's test, as in its generated SDPA kernels: <c>key + leftBound &gt; diagonal</c> and <c>key &lt;= diagonal + rightBound</c>.</summary>
    public bool IsVisible(int query, int key, int seqQ, int seqK)
    {
        long diagonal = DiagonalAlignment == WindowAlignment.BottomRight ? query + ((long)seqK - seqQ) : query;
        return key >= 0 && key < seqK
            && (DiagonalBandLeftBound is not int leftBound || (long)key + leftBound > diagonal)
            && (DiagonalBandRightBound is not int rightBound || key <= diagonal + rightBound);
    }
}

readonly partial record struct AttentionWindow
{
    /// <summary>This window as cuDNN's diagonal band, or the reason it has none.</summary>
    public bool TryToCuDnn(out CuDnnWindow window, out string? reason)
    {
        if (BackendDescriptor.For(Backend.CuDnn).ChunkOrSinkRefusal(this) is string refusal)
        {
            (window, reason) = (default, refusal);
            return false;
        }

        reason = Left == int.MaxValue ? "its left bound would be Left + 1 = 2147483648, beyond int" : null;
        window = reason is null ? new CuDnnWindow(Left + 1, Right, Alignment) : default;
        return reason is null;
    }

    /// <summary>This window as cuDNN's diagonal band: <c>DiagonalBandLeftBound = Left + 1</c>.</summary>
    /// <exception cref="WindowNotExpressibleException">The left bound overflows.</exception>
    public CuDnnWindow ToCuDnn() =>
        TryToCuDnn(out var window, out var reason) ? window : throw new WindowNotExpressibleException(Backend.CuDnn, this, reason!);

    /// <summary>The window cuDNN applies for <paramref name="window"/>: <c>Left = DiagonalBandLeftBound - 1</c>.</summary>
    public static AttentionWindow FromCuDnn(CuDnnWindow window) =>
        new(window.DiagonalBandLeftBound is int leftBound ? checked(leftBound - 1) : null, window.DiagonalBandRightBound, window.DiagonalAlignment);
}

/// <summary>Pins cuDNN's diagonal band on a spec. Omitted bounds are not set; the alignment defaults to cuDNN's TOP_LEFT.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
sealed class CuDnnWindowAttribute : Attribute
{
    /// <summary><c>diagonal_band_left_bound</c> (exclusive: it counts the diagonal key).</summary>
    public int DiagonalBandLeftBound { get; set; }

    /// <summary><c>diagonal_band_right_bound</c>.</summary>
    public int DiagonalBandRightBound { get; set; }

    /// <summary><c>diagonal_alignment</c>.</summary>
    public WindowAlignment DiagonalAlignment { get; set; } = WindowAlignment.TopLeft;
}

/// <summary>The cuDNN frontend's SDPA diagonal band.</summary>
internal sealed class CuDnnBackend : BackendDescriptor<CuDnnWindow, CuDnnWindowAttribute>
{
    public override Backend Backend => Backend.CuDnn;

    public override string DisplayName => "cuDNN";

    public override string NormalForm => "L = diagonal_band_left_bound - 1, R = diagonal_band_right_bound";

    public override string Source => "cudnn-frontend `include/cudnn_frontend/graph_properties.h`, python `sdpa` binding";

    public override string AlignmentRule => "aligns its band top-left unless told otherwise (diagonal_alignment defaults to TOP_LEFT)";

    public override WindowAlignment? ImpliedAlignment(bool causal) => null;

    public override bool TryReadConvention(int? left, int? right, bool causal, out int? canonicalLeft, out int? canonicalRight, out string? error)
    {
        var window = AttentionWindow.FromCuDnn(new CuDnnWindow(left, right, WindowAlignment.BottomRight));
        (canonicalLeft, canonicalRight, error) = (window.Left, window.Right, null);
        return true;
    }

    protected override bool TryConvert(AttentionWindow window, out CuDnnWindow parameters, out string? reason) =>
        window.TryToCuDnn(out parameters, out reason);

    protected override AttentionWindow ToWindow(CuDnnWindow parameters) => AttentionWindow.FromCuDnn(parameters);

    protected override bool IsVisible(CuDnnWindow parameters, int query, int key, int seqQ, int seqK) =>
        parameters.IsVisible(query, key, seqQ, seqK);

    // An omitted bound is not set at all (no band on that side), so only the alignment has a default.
    protected override CuDnnWindow? Read(PinArguments pin) => new CuDnnWindow(
        pin.Get<int>(nameof(CuDnnWindowAttribute.DiagonalBandLeftBound)),
        pin.Get<int>(nameof(CuDnnWindowAttribute.DiagonalBandRightBound)),
        pin.Get<WindowAlignment>(nameof(CuDnnWindowAttribute.DiagonalAlignment)) ?? PinDefaults.DiagonalAlignment);

    protected override GeneratedBackendClass Describe(CuDnnWindow parameters)
    {
        var constants = new List<BackendConstant>();
        var conditions = new List<string> { "key >= 0", "key < seqK" };
        var arguments = new List<string>();
        if (parameters.DiagonalBandLeftBound is int left)
        {
            constants.Add(BackendConstant.Int("DiagonalBandLeftBound", left, "diagonal_band_left_bound: exclusive, so it counts the diagonal key (the inclusive left bound + 1)."));
            conditions.Add("key + DiagonalBandLeftBound > diagonal");
            arguments.Add($"diagonal_band_left_bound={left}");
        }

        if (parameters.DiagonalBandRightBound is int right)
        {
            constants.Add(BackendConstant.Int("DiagonalBandRightBound", right, "diagonal_band_right_bound: keys after the diagonal (inclusive)."));
            conditions.Add("key <= diagonal + DiagonalBandRightBound");
            arguments.Add($"diagonal_band_right_bound={right}");
        }

        constants.Add(BackendConstant.Enum("DiagonalAlignment", parameters.DiagonalAlignment, "diagonal_alignment: state it; cuDNN's default is TOP_LEFT."));
        var bottomRight = parameters.DiagonalAlignment == WindowAlignment.BottomRight;
        return new(
            constants,
            $"{(parameters.DiagonalBandLeftBound.HasValue ? "DiagonalBandLeftBound" : "null")}, {(parameters.DiagonalBandRightBound.HasValue ? "DiagonalBandRightBound" : "null")}, DiagonalAlignment",
            "query", "key", "seqQ", "seqK",
            new[] { bottomRight ? "long diagonal = query + ((long)seqK - seqQ);" : "long diagonal = query;" },
            conditions,
            new[] { $"o, stats = graph.sdpa(q, k, v, attn_scale=scale, diagonal_alignment=cudnn.diagonal_alignment.{(bottomRight ? "BOTTOM_RIGHT" : "TOP_LEFT")},", $"                        {string.Join(", ", arguments)})" });
    }
}
