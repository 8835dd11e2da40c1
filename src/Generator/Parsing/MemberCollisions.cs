using System.Collections.Generic;
using System.Linq;
using System.Threading;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Emitting;
using KernelGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelGen.Generator.Parsing;

/// <summary>
/// Reports names that the generated members would clash with: a kernel class named like one of them (CS0542, as
/// KG0010) and a member of the user's own that has the same name or, for a method, the same parameters (CS0102,
/// CS0111, as KG0021). The generated files are compiled beside the user's class, so the generated names come from the
/// emitters themselves and no list of them can drift.
/// </summary>
internal static class MemberCollisions
{
    /// <summary>True when the spec's generated members fit into the user's class; otherwise reports why not.</summary>
    public static bool Check(
        KernelSpec spec, TypeDeclarationSyntax declaration, Compilation compilation, List<Diagnostic> diagnostics,
        CancellationToken cancellationToken)
    {
        var options = (CSharpParseOptions)declaration.SyntaxTree.Options;
        var generated = GeneratedFiles.Of(spec)
            .Select(file => CSharpSyntaxTree.ParseText(file.Source, options, file.HintName, cancellationToken: cancellationToken))
            .ToList();
        var withGenerated = compilation.AddSyntaxTrees(generated);

        // TypeShell nests the kernel class in its containing types: the first class that deep is the kernel class.
        var kernelDeclaration = generated[0].GetRoot(cancellationToken).DescendantNodes().OfType<ClassDeclarationSyntax>()
            .First(node => node.Ancestors().OfType<TypeDeclarationSyntax>().Count() == spec.ContainingTypes.Count);
        var kernel = withGenerated.GetSemanticModel(generated[0]).GetDeclaredSymbol(kernelDeclaration, cancellationToken)!;

        var members = kernel.GetMembers().Where(member => member.CanBeReferencedByName).ToList();
        var generatedMembers = members.Where(member => member.Locations.Any(location => IsGenerated(location))).ToList();
        var ownMembers = members.Where(member => member.Locations.Any(location => location.IsInSource && !IsGenerated(location))).ToList();
        var ok = true;
        if (generatedMembers.Any(member => member.Name == spec.ClassName))
        {
            diagnostics.Add(Diagnostic.Create(
                DiagnosticDescriptors.InvalidTarget, declaration.Identifier.GetLocation(), spec.ClassName,
                $"it is named like one of the members KernelGen generates into it ('{spec.ClassName}'). Rename it."));
            ok = false;
        }

        foreach (var own in ownMembers)
        {
            // A nested type declared on both sides is one merged symbol, so it clashes with itself.
            var clash = generatedMembers.FirstOrDefault(member => member.Name == own.Name && (member.Equals(own, SymbolEqualityComparer.Default) || Clash(member, own)));
            if (clash is not null)
            {
                diagnostics.Add(Diagnostic.Create(
                    DiagnosticDescriptors.MemberNamedLikeGeneratedMember, own.Locations.First(location => location.IsInSource && !IsGenerated(location)),
                    spec.ClassName, own.Name, Describe(clash, own)));
                ok = false;
            }
        }

        return ok;

        bool IsGenerated(Location location) => generated.Contains(location.SourceTree!);
    }

    /// <summary>C#'s rule for two members of one type with the same name: only methods and generic types can overload.</summary>
    private static bool Clash(ISymbol generated, ISymbol own) => (generated, own) switch
    {
        (IMethodSymbol generatedMethod, IMethodSymbol ownMethod) => SameSignature(generatedMethod, ownMethod),
        (INamedTypeSymbol generatedType, INamedTypeSymbol ownType) => generatedType.Arity == ownType.Arity,
        _ => true,
    };

    /// <summary>
    /// The same number of type parameters and the same parameter types, by-reference or not (C# does not overload on
    /// <c>ref</c> against <c>out</c>); a method's own type parameters match by position.
    /// </summary>
    private static bool SameSignature(IMethodSymbol generated, IMethodSymbol own) =>
        generated.Arity == own.Arity
        && generated.Parameters.Length == own.Parameters.Length
        && generated.Parameters.Zip(own.Parameters, (a, b) =>
            (a.RefKind == RefKind.None) == (b.RefKind == RefKind.None) && SameType(a.Type, b.Type)).All(same => same);

    private static bool SameType(ITypeSymbol a, ITypeSymbol b) =>
        a is ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method } typeParameterA
            ? b is ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method } typeParameterB && typeParameterA.Ordinal == typeParameterB.Ordinal
            : SymbolEqualityComparer.Default.Equals(a, b);

    private static string Describe(ISymbol generated, ISymbol own) => generated switch
    {
        IMethodSymbol when own is IMethodSymbol => "method with the same parameters",
        IMethodSymbol => "method",
        IFieldSymbol { IsConst: true } => "constant",
        IFieldSymbol => "field",
        IPropertySymbol => "property",
        INamedTypeSymbol type => "nested " + type.TypeKind.ToString().ToLowerInvariant(),
        _ => "member",
    };
}
