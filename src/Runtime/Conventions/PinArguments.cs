namespace KernelGen;

/// <summary>
/// The named arguments written on a pin attribute such as <c>[CuDnnWindow(...)]</c>, by property name. The generator
/// reads them from the user's syntax; a descriptor turns them into the backend's parameters.
/// </summary>
internal abstract class PinArguments
{
    /// <summary>The argument's value when it was written as a constant of type <typeparamref name="T"/>; otherwise <see langword="null"/>.</summary>
    public abstract T? Get<T>(string name)
        where T : struct;

    /// <summary>
    /// Like <see cref="Get{T}"/>, for a parameter the backend has no default for: an argument that was not written at all
    /// is reported as missing.
    /// </summary>
    public abstract T? Required<T>(string name)
        where T : struct;
}
