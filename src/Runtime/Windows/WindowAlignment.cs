namespace KernelGen;

/// <summary>
/// Where the diagonal of the attention matrix sits when the query and key sequences differ in length.
/// </summary>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
enum WindowAlignment
{
    /// <summary>
    /// The last query lines up with the last key: query <c>i</c> has its diagonal at key <c>i + seqK - seqQ</c>.
    /// FlashAttention's only alignment, and the natural one for decoding with a key/value cache.
    /// </summary>
    BottomRight = 0,

    /// <summary>The first query lines up with the first key: query <c>i</c> has its diagonal at key <c>i</c>.</summary>
    TopLeft = 1,
}
