using System;
using System.Globalization;
using System.Linq;
using System.Reflection;

namespace KernelGen;

/// <summary>A window's parameters for any backend, by <see cref="Backend"/>, and how to write them.</summary>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
static class BackendParameters
{
    /// <summary>
    /// <paramref name="window"/> as <paramref name="backend"/>'s parameter record (such as <see cref="CuDnnWindow"/>),
    /// or the reason the backend cannot express it.
    /// </summary>
    public static bool TryConvert(AttentionWindow window, Backend backend, out object? parameters, out string? reason)
    {
        bool ok;
        (ok, parameters, reason) = backend switch
        {
            Backend.FlashAttention2 => (window.TryToFlashAttention(out var p, out var r), (object)p, r),
            Backend.FlashAttention4 => (window.TryToFlashAttention4(out var p, out var r), p, r),
            Backend.CuDnn => (window.TryToCuDnn(out var p, out var r), p, r),
            Backend.TransformerEngine => (window.TryToTransformerEngine(out var p, out var r), p, r),
            Backend.FlexAttention => (window.TryToFlexAttention(out var p, out var r), p, r),
            Backend.HuggingFace => (window.TryToHuggingFace(out var p, out var r), p, r),
            Backend.FlashInfer => (window.TryToFlashInfer(out var p, out var r), p, r),
            Backend.OnnxRuntime => (window.TryToOnnxRuntime(out var p, out var r), p, r),
            Backend.XFormers => (window.TryToXFormers(out var p, out var r), p, r),
            Backend.Jax => (window.TryToJax(out var p, out var r), p, r),
            _ => (false, null, $"{backend} is not a backend KernelGen knows"),
        };
        if (!ok)
        {
            parameters = null;
        }

        return ok;
    }

    /// <summary>
    /// <c>Name = value</c> pairs in declaration order, as C# attribute arguments; unset (null) values are left out,
    /// as an omitted attribute argument leaves them unset. For example
    /// <c>DiagonalBandLeftBound = 4096, DiagonalBandRightBound = 0, DiagonalAlignment = WindowAlignment.BottomRight</c>.
    /// </summary>
    public static string Format(object parameters) =>
        string.Join(", ", parameters.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.CanWrite)
            .OrderBy(property => property.MetadataToken)
            .Select(property => (property.Name, Value: property.GetValue(parameters)))
            .Where(pair => pair.Value is not null)
            .Select(pair => $"{pair.Name} = {Literal(pair.Value!)}"));

    private static string Literal(object value) => value switch
    {
        bool flag => flag ? "true" : "false",
        Enum member => $"{member.GetType().Name}.{member}",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
