using System.Globalization;

namespace KernelGen.Generator.Emitting;

/// <summary>Values written as C# literals in generated code: one spelling for every emitter, culture-invariant.</summary>
internal static class CSharpLiteral
{
    public static string Of(bool value) => value ? "true" : "false";

    /// <summary>A float that reads back to exactly <paramref name="value"/>.</summary>
    public static string Of(float value) => value.ToString("R", CultureInfo.InvariantCulture) + "f";

    /// <summary>A regular string literal: quotes and backslashes escaped (the texts emitted are single-line).</summary>
    public static string Of(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
