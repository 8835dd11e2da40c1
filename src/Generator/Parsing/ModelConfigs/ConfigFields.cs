using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using KernelGen.Generator.Diagnostics;

namespace KernelGen.Generator.Parsing.ModelConfigs;

/// <summary>
/// Typed reads of a config object's fields. A field of the wrong type is KG0051; a required field that is absent (or
/// <c>null</c>) is KG0055, because HF's class default for it is not in the file and KernelGen does not assume it.
/// </summary>
internal sealed class ConfigFields
{
    private readonly JsonObject _object;
    private readonly string _prefix;
    private readonly string _className;
    private readonly string _path;
    private readonly List<ConfigProblem> _problems;

    /// <param name="prefix">How the object is reached from the file's root, for messages (<c>"text_config."</c>).</param>
    public ConfigFields(JsonObject @object, string prefix, string className, string path, List<ConfigProblem> problems)
    {
        _object = @object;
        _prefix = prefix;
        _className = className;
        _path = path;
        _problems = problems;
    }

    /// <summary>The field's name as the messages show it.</summary>
    public string Name(string field) => _prefix + field;

    /// <summary>Whether the field is written at all, <c>null</c> included.</summary>
    public bool IsWritten(string field) => _object[field] is not null;

    /// <summary>Whether the field is present and not <c>null</c>.</summary>
    public bool Has(string field) => _object[field] is JsonValue value && value is not JsonNull;

    public int? RequiredPositiveInt(string field, string why) => Has(field) ? OptionalPositiveInt(field) : Missing<int>(field, why);

    /// <summary>The field as a positive int; <see langword="null"/> when absent or <c>null</c>.</summary>
    public int? OptionalPositiveInt(string field)
    {
        if (!Has(field))
        {
            return null;
        }

        if (_object[field] is JsonNumber { AsInt: int value } && value > 0)
        {
            return value;
        }

        return Invalid<int>(field, "a positive integer");
    }

    /// <summary>A non-negative int (<c>max_window_layers</c> may be 0).</summary>
    public int? RequiredCount(string field, string why)
    {
        if (!Has(field))
        {
            return Missing<int>(field, why);
        }

        return _object[field] is JsonNumber { AsInt: int value } && value >= 0 ? value : Invalid<int>(field, "an integer of 0 or more");
    }

    public double? RequiredPositiveNumber(string field, string why) => Has(field) ? OptionalPositiveNumber(field) : Missing<double>(field, why);

    /// <summary>The field as a positive finite number; <see langword="null"/> when absent or <c>null</c>.</summary>
    public double? OptionalPositiveNumber(string field)
    {
        if (!Has(field))
        {
            return null;
        }

        if (_object[field] is JsonNumber number && number.Value > 0 && (float)number.Value is var single && !float.IsInfinity(single))
        {
            return number.Value;
        }

        return Invalid<double>(field, "a positive number within float's range");
    }

    /// <summary>The field as a boolean; <see langword="null"/> when absent or <c>null</c>.</summary>
    public bool? OptionalBool(string field) =>
        !Has(field) ? null : _object[field] is JsonBool flag ? flag.Value : Invalid<bool>(field, "true or false");

    public bool? RequiredBool(string field, string why) => Has(field) ? OptionalBool(field) : Missing<bool>(field, why);

    /// <summary>A list of strings (<c>layer_types</c>); <see langword="null"/> when absent, <c>null</c> or invalid (reported).</summary>
    public IReadOnlyList<string>? OptionalStrings(string field)
    {
        if (!Has(field))
        {
            return null;
        }

        if (_object[field] is JsonArray array && array.Items.All(item => item is JsonString))
        {
            return array.Items.Select(item => ((JsonString)item).Value).ToList();
        }

        Invalid<int>(field, "an array of strings");
        return null;
    }

    /// <summary>A list of ints (<c>no_rope_layers</c>); <see langword="null"/> when absent, <c>null</c> or invalid (reported).</summary>
    public IReadOnlyList<int>? OptionalInts(string field)
    {
        if (!Has(field))
        {
            return null;
        }

        if (_object[field] is JsonArray array && array.Items.All(item => item is JsonNumber { AsInt: int }))
        {
            return array.Items.Select(item => ((JsonNumber)item).AsInt!.Value).ToList();
        }

        Invalid<int>(field, "an array of integers");
        return null;
    }

    /// <summary>Reports a field whose value contradicts the rest of the config.</summary>
    public void Contradiction(string detail) =>
        _problems.Add(new(DiagnosticDescriptors.ModelConfigUnreadable, new object[] { _className, _path, detail }));

    /// <summary>Reports attention the config describes and KernelGen does not generate.</summary>
    public void Unsupported(string detail) =>
        _problems.Add(new(DiagnosticDescriptors.ModelConfigNotGenerated, new object[] { _className, _path, detail }));

    /// <summary>Reports a value whose meaning KernelGen does not know.</summary>
    public void Unknown(string what, string detail) =>
        _problems.Add(new(DiagnosticDescriptors.ModelConfigUnknownMeaning, new object[] { _className, _path, what, detail }));

    private T? Missing<T>(string field, string why)
        where T : struct
    {
        _problems.Add(new(DiagnosticDescriptors.ModelConfigFieldMissing, new object[] { _className, _path, Name(field), why }));
        return null;
    }

    private T? Invalid<T>(string field, string expected)
        where T : struct
    {
        var value = _object[field];
        var shown = value switch
        {
            JsonNumber number => number.Text,
            JsonString text => $"\"{text.Value}\"",
            JsonBool flag => flag.Value ? "true" : "false",
            _ => value?.Kind ?? "nothing",
        };
        _problems.Add(new(DiagnosticDescriptors.ModelConfigUnreadable, new object[]
        {
            _className, _path, string.Format(CultureInfo.InvariantCulture, "{0} is {1}, where HF expects {2}", Name(field), shown, expected),
        }));
        return null;
    }
}
