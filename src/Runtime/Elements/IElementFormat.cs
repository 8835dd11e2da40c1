namespace KernelGen;

/// <summary>
/// How an ILGPU kernel loads and stores one element type (<see cref="AttentionElement"/>): widened to fp32 when
/// loaded, rounded to nearest even when stored. Runtime kernels are generic over this, as over
/// <see cref="IKernelConstants"/>, so the conversion compiles into them; host code converts whole spans with
/// <see cref="ElementSpans"/> instead.
/// </summary>
/// <typeparam name="TElement">The device type: <see cref="float"/>, <c>ILGPU.Half</c> or <see cref="BFloat16"/>.</typeparam>
public interface IElementFormat<TElement>
    where TElement : unmanaged
{
    /// <summary>Widens one element to fp32 (exact for every type).</summary>
    float Widen(TElement value);

    /// <summary>Rounds an fp32 to the element type, to nearest even.</summary>
    TElement Narrow(float value);
}
