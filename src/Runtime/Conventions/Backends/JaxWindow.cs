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
