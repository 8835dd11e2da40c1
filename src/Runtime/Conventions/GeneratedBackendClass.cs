using System.Collections.Generic;
using System.Globalization;

namespace KernelGen;

/// <summary>One constant of a generated backend class.</summary>
internal sealed record BackendConstant(string Type, string Name, string Value, string Documentation)
{
    /// <summary>An <see cref="int"/> constant.</summary>
    public static BackendConstant Int(string name, int value, string documentation) =>
        new("int", name, value.ToString(CultureInfo.InvariantCulture), documentation);

    /// <summary>A <see cref="bool"/> constant.</summary>
    public static BackendConstant Bool(string name, bool value, string documentation) =>
        new("bool", name, value ? "true" : "false", documentation);

    /// <summary>A constant of one of KernelGen's enums, such as <see cref="WindowAlignment"/>.</summary>
    public static BackendConstant Enum<T>(string name, T value, string documentation)
        where T : struct, System.Enum =>
        new($"global::KernelGen.{typeof(T).Name}", name, $"global::KernelGen.{typeof(T).Name}.{value}", documentation);
}

/// <summary>
/// The class the generator emits for a backend that can express a spec's window: the parameters as constants, the
/// arguments that rebuild the parameter record from them, the backend's visibility test in its own arithmetic and
/// names (setup lines, then conditions joined by <c>&amp;&amp;</c>), and how to pass the parameters to the backend.
/// The numbers come from the shared conversions; only their spelling lives in the descriptor.
/// </summary>
internal sealed record GeneratedBackendClass(
    IReadOnlyList<BackendConstant> Constants,
    string RecordArguments,
    string QueryName,
    string KeyName,
    string SeqQName,
    string SeqKName,
    IReadOnlyList<string> Setup,
    IReadOnlyList<string> Conditions,
    IReadOnlyList<string> Usage);
