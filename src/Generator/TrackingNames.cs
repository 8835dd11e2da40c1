namespace KernelGen.Generator;

/// <summary>The names of the generator's own pipeline steps, for incremental-caching tests.</summary>
internal static class TrackingNames
{
    public const string ModelConfigs = nameof(ModelConfigs);
    public const string Parse = nameof(Parse);
    public const string Spec = nameof(Spec);
    public const string Diagnostics = nameof(Diagnostics);
    public const string OrphanAttributes = nameof(OrphanAttributes);
    public const string AnyKernel = nameof(AnyKernel);
}
