using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelGen.Generator.Parsing;

/// <summary>
/// Reads an attribute's named arguments without trusting them: an argument that is missing, not a constant
/// or of the wrong type reads as absent or invalid, never as an exception. Locations point at the user's own
/// syntax, so <c>#pragma warning disable</c> works on the diagnostics reported there.
/// </summary>
internal sealed class AttributeArguments
{
    private readonly AttributeData _attribute;

    public AttributeArguments(AttributeData attribute) => _attribute = attribute;

    /// <summary>The whole attribute, for diagnostics about it as a whole.</summary>
    public Location Location =>
        _attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? Location.None;

    /// <summary>The named argument's syntax, or the attribute when it was not written.</summary>
    public Location LocationOf(string name) => Written(name)?.GetLocation() ?? Location;

    /// <summary>
    /// Whether the argument was written at all, valid or not; also when the compiler could not bind it (a misspelt
    /// enum member, CS0117) and left it out of the attribute's arguments: the compiler reports those, KernelGen adds nothing.
    /// </summary>
    public bool IsGiven(string name) => _attribute.NamedArguments.Any(pair => pair.Key == name) || Written(name) is not null;

    private AttributeArgumentSyntax? Written(string name) =>
        _attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax { ArgumentList: { } arguments }
            ? arguments.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name)
            : null;

    /// <summary>The values of an enum-array argument; empty when not given, null when not readable.</summary>
    public IReadOnlyList<T>? GetEnumArray<T>(string name)
        where T : struct, Enum
    {
        foreach (var pair in _attribute.NamedArguments)
        {
            if (pair.Key == name)
            {
                return pair.Value.Kind != TypedConstantKind.Array ? null
                    : pair.Value.IsNull ? Array.Empty<T>()
                    : pair.Value.Values.All(v => v.Value is int) ? pair.Value.Values.Select(v => (T)Enum.ToObject(typeof(T), (int)v.Value!)).ToList()
                    : null;
            }
        }

        return Array.Empty<T>();
    }

    /// <summary>The argument's value when it was written as a constant of type <typeparamref name="T"/>.</summary>
    public ArgumentValue<T> Get<T>(string name)
        where T : struct
    {
        foreach (var pair in _attribute.NamedArguments)
        {
            if (pair.Key != name)
            {
                continue;
            }

            var constant = pair.Value;
            if (constant.Kind != TypedConstantKind.Error && constant.Value is T value)
            {
                return new ArgumentValue<T>(true, value);
            }

            // Enum arguments arrive as their underlying int.
            if (constant.Kind == TypedConstantKind.Enum && typeof(T).IsEnum && constant.Value is int number)
            {
                return new ArgumentValue<T>(true, (T)System.Enum.ToObject(typeof(T), number));
            }

            return new ArgumentValue<T>(false, default);
        }

        return default;
    }
}

/// <summary>A named argument as read: <see cref="IsValid"/> only when it was a constant of the expected type.</summary>
internal readonly record struct ArgumentValue<T>(bool IsValid, T Value)
    where T : struct
{
    /// <summary>The value when valid, otherwise <see langword="null"/>.</summary>
    public T? OrNull => IsValid ? Value : null;
}
