namespace KernelGen;

/// <summary>
/// A kernel's score steps and sizes, apart from its window: what a spec bakes in besides the bounds. Generated
/// kernels are generic over this, as over <see cref="IWindowBounds"/>: each spec's own struct returns constants,
/// which fold into the specialised code (the JIT compiles one body per struct, ILGPU one kernel), so that a step a
/// spec does not use (no soft cap, no sinks) costs nothing. The steps, in the order every kernel applies them:
/// <c>score = q·k * SoftmaxScale</c>; <c>score = LogitSoftCap * tanh(score / LogitSoftCap)</c> when
/// <see cref="HasLogitSoftCap"/>; the window mask; softmax over the visible keys, with the head's sink logit in the
/// denominator when <see cref="HasSinks"/>.
/// </summary>
public interface IKernelConstants
{
    /// <summary>Elements per head.</summary>
    int HeadDim { get; }

    /// <summary>The factor applied to <c>q·k</c>.</summary>
    float SoftmaxScale { get; }

    /// <summary>Whether scores are soft-capped (Gemma 2).</summary>
    bool HasLogitSoftCap { get; }

    /// <summary>The soft cap (ignored when <see cref="HasLogitSoftCap"/> is false).</summary>
    float LogitSoftCap { get; }

    /// <summary>Whether each head has a learned sink logit that joins the softmax denominator (gpt-oss).</summary>
    bool HasSinks { get; }
}
