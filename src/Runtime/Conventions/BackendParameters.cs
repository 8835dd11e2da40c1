using System;
using System.Globalization;
using System.Linq;
using System.Reflection;

namespace KernelGen;

/// <summary>Writes a backend parameter record the way its pin attribute is written.</summary>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
static class BackendParameters
{
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
