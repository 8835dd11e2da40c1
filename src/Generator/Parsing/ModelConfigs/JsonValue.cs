using System.Collections.Generic;
using System.Globalization;

namespace KernelGen.Generator.Parsing.ModelConfigs;

/// <summary>
/// A parsed JSON value, as <see cref="JsonReader"/> returns it. The generator cannot count on System.Text.Json being
/// loadable in every compiler host (a netstandard2.0 analyzer runs in Visual Studio's .NET Framework compiler too), and
/// a model config needs only these few shapes.
/// </summary>
internal abstract class JsonValue
{
    /// <summary>The JSON type's name, for messages ("a string", "an array", ...).</summary>
    public abstract string Kind { get; }
}

/// <summary>A JSON object; a repeated name keeps its last value, as Python's <c>json</c> module (and so HF) does.</summary>
internal sealed class JsonObject : JsonValue
{
    private readonly Dictionary<string, JsonValue> _members;

    public JsonObject(Dictionary<string, JsonValue> members) => _members = members;

    public override string Kind => "an object";

    /// <summary>The member's value, or <see langword="null"/> when the object has no member of that name.</summary>
    public JsonValue? this[string name] => _members.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A JSON array.</summary>
internal sealed class JsonArray : JsonValue
{
    public JsonArray(IReadOnlyList<JsonValue> items) => Items = items;

    public IReadOnlyList<JsonValue> Items { get; }

    public override string Kind => "an array";
}

/// <summary>A JSON string, unescaped.</summary>
internal sealed class JsonString : JsonValue
{
    public JsonString(string value) => Value = value;

    public string Value { get; }

    public override string Kind => "a string";
}

/// <summary>A JSON number, kept as written so that integers can be told from floats.</summary>
internal sealed class JsonNumber : JsonValue
{
    public JsonNumber(string text) => Text = text;

    /// <summary>The number as written in the file.</summary>
    public string Text { get; }

    public double Value => double.Parse(Text, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>The number as an <see cref="int"/> when it is written as one (no fraction or exponent) and fits.</summary>
    public int? AsInt => Text.IndexOfAny(new[] { '.', 'e', 'E' }) < 0 && int.TryParse(Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    public override string Kind => "a number";
}

/// <summary><c>true</c> or <c>false</c>.</summary>
internal sealed class JsonBool : JsonValue
{
    public JsonBool(bool value) => Value = value;

    public bool Value { get; }

    public override string Kind => "a boolean";
}

/// <summary><c>null</c>: HF writes it for an unset optional field (<c>"sliding_window": null</c>).</summary>
internal sealed class JsonNull : JsonValue
{
    public static JsonNull Instance { get; } = new();

    private JsonNull()
    {
    }

    public override string Kind => "null";
}
