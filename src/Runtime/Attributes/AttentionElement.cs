namespace KernelGen;

/// <summary>
/// The element type of a kernel's queries, keys, values and output. Scores, softmax statistics and the output
/// accumulators are fp32 for every type; sink logits and the log-sum-exp stay fp32.
/// </summary>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
enum AttentionElement
{
    /// <summary>IEEE fp32 (<see cref="float"/>): the default.</summary>
    Float32 = 0,

    /// <summary>
    /// IEEE fp16: <see cref="System.Half"/> in host spans, <c>ILGPU.Half</c> in device views (the same 16 bits; the two
    /// types share a name, not a namespace). Widened to fp32 exactly; the output is rounded to nearest even.
    /// </summary>
    Float16 = 1,

    /// <summary>
    /// bfloat16 (<see cref="KernelGen.BFloat16"/>, the upper 16 bits of an fp32): PyTorch's and ONNX's <c>bfloat16</c>
    /// buffers are read as they are. Widened to fp32 exactly; the output is rounded to nearest even.
    /// </summary>
    BFloat16 = 2,
}
