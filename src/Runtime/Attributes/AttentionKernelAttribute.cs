using System;

namespace KernelGen;

/// <summary>
/// Declares an attention kernel: KernelGen's generator fills the <c>partial</c> class with a tiled ILGPU
/// forward kernel specialised to the head size and window, and with the window's constants.
/// Add <see cref="SlidingWindowAttribute"/> for a sliding window; without it the kernel is causal when
/// <see cref="Causal"/> is set and unmasked otherwise.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AttentionKernelAttribute : Attribute
{
    /// <summary>The head size: a multiple of 16 from 16 to 256 (32, 64, 96, 128 and 256 among them).</summary>
    public int HeadDim { get; set; }

    /// <summary>
    /// The element type of Q, K, V and the output (fp32 by default): <see cref="AttentionElement.Float16"/> and
    /// <see cref="AttentionElement.BFloat16"/> halve the memory read and held, with fp32 scores and accumulation.
    /// </summary>
    public AttentionElement Element { get; set; }

    /// <summary>Causal attention: no query sees a key after its diagonal (a right bound of 0).</summary>
    public bool Causal { get; set; }

    /// <summary>Query rows per tile. Optional: the generator picks a size that fits 48 KB of shared memory.</summary>
    public int QueryTileSize { get; set; }

    /// <summary>Keys per tile. Optional: the generator picks a size that fits 48 KB of shared memory.</summary>
    public int KeyTileSize { get; set; }

    /// <summary>The factor applied to <c>q·k</c>. Optional: <c>1 / sqrt(HeadDim)</c> when not given.</summary>
    public double SoftmaxScale { get; set; }

    /// <summary>A logit soft cap <c>c</c> (Gemma 2 uses 50): scores become <c>c * tanh(score / c)</c> before masking.</summary>
    public double LogitSoftCap { get; set; }

    /// <summary>
    /// A learned sink logit per head (gpt-oss): it joins the softmax denominator and has no value vector.
    /// The generated <c>Forward</c> methods then take a <c>sinkLogits</c> argument of length <c>Heads</c>.
    /// </summary>
    public bool Sinks { get; set; }

    /// <summary>
    /// Backends this window must run on. The build fails (KG0017) when one of them cannot express the window;
    /// a pinned window attribute such as <see cref="CuDnnWindowAttribute"/> makes its backend a target too.
    /// </summary>
    public Backend[]? Targets { get; set; }
}
