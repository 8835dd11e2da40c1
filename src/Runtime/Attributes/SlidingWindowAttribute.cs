using System;

namespace KernelGen;

/// <summary>
/// Limits which keys each query sees. Give the bounds and say how to read them: exactly one of
/// <see cref="Inclusive"/> or <see cref="Convention"/>. An omitted bound is unbounded on that side.
/// </summary>
/// <example>
/// Mistral's 4096-key causal window, written three ways that all mean the same keys:
/// <code>
/// [SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
/// [SlidingWindow(Left = 4096, Right = 0, Convention = Backend.CuDnn, Alignment = WindowAlignment.BottomRight)]
/// [SlidingWindow(Left = 4096, Right = 0, Convention = Backend.HuggingFace)]
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SlidingWindowAttribute : Attribute
{
    /// <summary>Keys before the diagonal, read as <see cref="Inclusive"/> or <see cref="Convention"/> say. Omit for unbounded.</summary>
    public int Left { get; set; }

    /// <summary>Keys after the diagonal, read as <see cref="Inclusive"/> or <see cref="Convention"/> say. Omit for unbounded.</summary>
    public int Right { get; set; }

    /// <summary>
    /// <see langword="true"/>: the key at distance <see cref="Left"/> (or <see cref="Right"/>) is visible, so a causal
    /// window of <c>Left = L</c> shows <c>L + 1</c> keys. <see langword="false"/>: it is not (L = Left - 1, R = Right - 1).
    /// </summary>
    public bool Inclusive { get; set; }

    /// <summary>Read <see cref="Left"/> and <see cref="Right"/> as this backend's own parameters.</summary>
    public Backend Convention { get; set; }

    /// <summary>Where the diagonal sits when the query and key lengths differ. Bottom-right by default, as in FlashAttention.</summary>
    public WindowAlignment Alignment { get; set; }

    /// <summary>
    /// How many of the first keys stay visible besides the window (StreamingLLM's attention sinks): key <c>j &lt; SinkTokens</c>
    /// is visible to every query whose right bound reaches it. These are real keys with values, unlike the learned sink
    /// logits of <c>[AttentionKernel(Sinks = true)]</c>. Needs a left bound; 0 (the default) for none.
    /// </summary>
    public int SinkTokens { get; set; }
}
