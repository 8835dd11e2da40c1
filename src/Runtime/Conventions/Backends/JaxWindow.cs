using System;

namespace KernelGen;

/// <summary>
/// JAX's <c>jax.nn.dot_product_attention(local_window_size=(Left, Right))</c> (XLA implementation): inclusive, on raw
/// indices, so top-left (<c>jax/_src/nn/functions.py</c>). Its cuDNN implementation passes <c>Left + 1</c> to cuDNN.
/// </summary>
/// <param name="Left">Keys before the diagonal.</param>
/// <param name="Right">Keys after the diagonal.</param>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct JaxWindow(int Left, int Right)
{
    /// <summary>JAX's local mask on raw indices: <c>row - left &lt;= col &lt;= row + right</c>.</summary>
    public bool IsVisible(int row, int col, int seqQ, int seqK) =>
        col >= 0 && col < seqK && col >= (long)row - Left && col <= (long)row + Right;
}

readonly partial record struct AttentionWindow
{
    /// <summary>This window as JAX's <c>local_window_size</c>, or the reason it has none.</summary>
    public bool TryToJax(out JaxWindow window, out string? reason)
    {
        if (BackendDescriptor.For(Backend.Jax).ChunkOrSinkRefusal(this) is string refusal)
        {
            (window, reason) = (default, refusal);
            return false;
        }

        window = default;
        reason = Alignment != WindowAlignment.TopLeft ? "JAX compares raw indices, which is top-left alignment (for SeqQ == SeqK the two agree: use window with { Alignment = TopLeft })"
            : Left is null || Right is null ? "local_window_size takes two ints; use is_causal=True or no window for unbounded sides"
            : null;
        if (reason is null)
        {
            window = new JaxWindow(Left!.Value, Right!.Value);
        }

        return reason is null;
    }

    /// <summary>This window as JAX's <c>local_window_size</c>.</summary>
    /// <exception cref="WindowNotExpressibleException">JAX cannot express it.</exception>
    public JaxWindow ToJax() =>
        TryToJax(out var window, out var reason) ? window : throw new WindowNotExpressibleException(Backend.Jax, this, reason!);

    /// <summary>The window JAX applies for <paramref name="window"/>.</summary>
    public static AttentionWindow FromJax(JaxWindow window) => new(window.Left, window.Right, WindowAlignment.TopLeft);
}

/// <summary>Pins JAX's <c>local_window_size=(Left, Right)</c> on a spec; both required.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
sealed class JaxWindowAttribute : Attribute
{
    /// <summary><c>local_window_size[0]</c>.</summary>
    public int Left { get; set; }

    /// <summary><c>local_window_size[1]</c>.</summary>
    public int Right { get; set; }
}

/// <summary>JAX's <c>jax.nn.dot_product_attention</c> (XLA implementation).</summary>
internal sealed class JaxBackend : BackendDescriptor<JaxWindow, JaxWindowAttribute>
{
    public override Backend Backend => Backend.Jax;

    public override string DisplayName => "JAX";

    public override string NormalForm => "L = local_window_size[0], R = local_window_size[1]";

    public override string Source => "jax `jax/_src/nn/functions.py`";

    public override string AlignmentRule => "compares raw indices, which is top-left alignment";

    public override WindowAlignment? ImpliedAlignment(bool causal) => null;

    public override bool TryReadConvention(int? left, int? right, bool causal, out int? canonicalLeft, out int? canonicalRight, out string? error)
    {
        (canonicalLeft, canonicalRight, error) = (left, right, null);
        return true;
    }

    protected override bool TryConvert(AttentionWindow window, out JaxWindow parameters, out string? reason) =>
        window.TryToJax(out parameters, out reason);

    protected override AttentionWindow ToWindow(JaxWindow parameters) => AttentionWindow.FromJax(parameters);

    protected override bool IsVisible(JaxWindow parameters, int query, int key, int seqQ, int seqK) =>
        parameters.IsVisible(query, key, seqQ, seqK);

    protected override JaxWindow? Read(PinArguments pin) =>
        (pin.Required<int>(nameof(JaxWindowAttribute.Left)), pin.Required<int>(nameof(JaxWindowAttribute.Right))) is (int left, int right)
            ? new JaxWindow(left, right)
            : null;

    protected override GeneratedBackendClass Describe(JaxWindow parameters) => new(
        new[]
        {
            BackendConstant.Int("Left", parameters.Left, "local_window_size[0]: keys before the diagonal."),
            BackendConstant.Int("Right", parameters.Right, "local_window_size[1]: keys after the diagonal."),
        },
        "Left, Right", "row", "col", "seqQ", "seqK",
        new[] { "// Raw indices: top-left alignment." },
        new[] { "col >= 0", "col < seqK", "col >= (long)row - Left", "col <= (long)row + Right" },
        new[] { $"out = jax.nn.dot_product_attention(q, k, v, local_window_size=({parameters.Left}, {parameters.Right}))" });
}
