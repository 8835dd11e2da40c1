namespace KernelGen.Generator.Model;

/// <summary>
/// Everything the emitters need to write one kernel class, as plain values: no symbols, syntax or locations,
/// so that the incremental pipeline can compare it and skip unchanged specs.
/// </summary>
/// <param name="Namespace">The class's namespace, or <see langword="null"/> for the global namespace.</param>
/// <param name="ContainingTypes">The partial types the class is nested in, outermost first.</param>
/// <param name="ClassName">The class's name.</param>
/// <param name="IsStatic">Whether the user declared the class <c>static</c>.</param>
/// <param name="HeadDim">Elements per head.</param>
/// <param name="Tiles">Tile sizes and the thread layout derived from them.</param>
/// <param name="Window">The canonical window.</param>
/// <param name="Causal">Whether the user asked for causal attention.</param>
/// <param name="WrittenAs">How the user wrote the window, for the generated documentation.</param>
/// <param name="SoftmaxScale">The factor applied to <c>q·k</c>.</param>
/// <param name="LogitSoftCap">The logit soft cap, or 0 for none.</param>
/// <param name="Sinks">Whether each head has a learned sink logit.</param>
/// <param name="Element">The element type of Q, K, V and the output.</param>
/// <param name="Cache">The spec's KV cache, or <see langword="null"/> without <c>[KvCache]</c>.</param>
internal sealed record KernelSpec(
    string? Namespace,
    ImmutableEquatableArray<ContainingType> ContainingTypes,
    string ClassName,
    bool IsStatic,
    int HeadDim,
    TileLayout Tiles,
    AttentionWindow Window,
    bool Causal,
    string WrittenAs,
    float SoftmaxScale,
    float LogitSoftCap,
    bool Sinks,
    AttentionElement Element,
    KvCacheSpec? Cache)
{
    /// <summary>The hint-name prefix: the full type name, unique within a compilation.</summary>
    public string HintNamePrefix =>
        (Namespace is null ? string.Empty : Namespace + ".")
        + string.Concat(System.Linq.Enumerable.Select(ContainingTypes, type => type.Name + "."))
        + ClassName;
}

/// <summary>A partial type the kernel class is nested in.</summary>
/// <param name="Keyword">Its declaration keyword(s), such as <c>class</c> or <c>record struct</c>.</param>
/// <param name="Name">Its name.</param>
/// <param name="IsStatic">Whether it is declared <c>static</c>.</param>
internal sealed record ContainingType(string Keyword, string Name, bool IsStatic);
