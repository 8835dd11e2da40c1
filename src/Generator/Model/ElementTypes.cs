namespace KernelGen.Generator.Model;

/// <summary>
/// The C# types a spec's element type (<see cref="AttentionElement"/>) is spelled with in generated code. fp16 has two:
/// host spans take <c>System.Half</c>, which users hold, and device views and kernels take <c>ILGPU.Half</c>, which
/// ILGPU compiles; the bits are the same, so host spans are reinterpreted, never converted.
/// </summary>
internal static class ElementTypes
{
    /// <summary>The element type of host spans.</summary>
    public static string Host(AttentionElement element) => element switch
    {
        AttentionElement.Float16 => "global::System.Half",
        AttentionElement.BFloat16 => "global::KernelGen.BFloat16",
        _ => "float",
    };

    /// <summary>The element type of device views and of the kernels' loads and stores.</summary>
    public static string Device(AttentionElement element) => element switch
    {
        AttentionElement.Float16 => "global::ILGPU.Half",
        AttentionElement.BFloat16 => "global::KernelGen.BFloat16",
        _ => "float",
    };

    /// <summary>The runtime's <c>IElementFormat</c> struct for the element type.</summary>
    public static string Format(AttentionElement element) => element switch
    {
        AttentionElement.Float16 => "global::KernelGen.Float16Format",
        AttentionElement.BFloat16 => "global::KernelGen.BFloat16Format",
        _ => "global::KernelGen.Float32Format",
    };

    /// <summary>How the generated documentation names the element type.</summary>
    public static string Description(AttentionElement element) => element switch
    {
        AttentionElement.Float16 => "fp16",
        AttentionElement.BFloat16 => "bf16",
        _ => "fp32",
    };
}
