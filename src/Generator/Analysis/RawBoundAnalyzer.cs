using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using KernelGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace KernelGen.Generator.Analysis;

/// <summary>
/// Flags a backend parameter record built straight from a spec's canonical bound, such as
/// <c>new CuDnnWindow(MySpec.WindowLeft, ...)</c>: that is the TransformerEngine bug written in C#. The
/// diagnostic carries the conversion to call (<c>MySpec.Window.ToCuDnn()</c>) for the code fix.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RawBoundAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic property holding the replacement expression.</summary>
    public const string ReplacementProperty = "Replacement";

    /// <summary>Each backend's descriptor by the name of its parameter record.</summary>
    private static readonly Dictionary<string, BackendDescriptor> Records =
        BackendDescriptor.All.ToDictionary(descriptor => descriptor.ParametersType.Name);

    private static readonly HashSet<string> CanonicalBounds = new() { "WindowLeft", "WindowRight" };

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.RawBoundPassedToBackend);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterOperationAction(Analyze, OperationKind.ObjectCreation);
    }

    private static void Analyze(OperationAnalysisContext context)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (creation.Type is not INamedTypeSymbol { ContainingNamespace.Name: "KernelGen" } record
            || record.ContainingNamespace.ContainingNamespace?.IsGlobalNamespace != true
            || !Records.TryGetValue(record.Name, out var descriptor))
        {
            return;
        }

        var bound = creation.Arguments
            .SelectMany(argument => argument.Value.DescendantsAndSelf())
            .OfType<IFieldReferenceOperation>()
            .FirstOrDefault(reference => reference.Field.IsConst && CanonicalBounds.Contains(reference.Field.Name) && IsSpec(reference.Field.ContainingType));
        if (bound is null)
        {
            return;
        }

        // Keep the spec as the user wrote it (MySpec, Outer.MySpec, or nothing inside the spec itself).
        var spec = bound.Syntax is MemberAccessExpressionSyntax access ? access.Expression.ToString() + "." : string.Empty;
        var replacement = $"{spec}Window.To{record.Name.Substring(0, record.Name.Length - "Window".Length)}()";
        var properties = ImmutableDictionary<string, string?>.Empty.Add(ReplacementProperty, replacement);
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.RawBoundPassedToBackend, creation.Syntax.GetLocation(), properties,
            record.Name, descriptor.DisplayName, bound.Syntax.ToString(), replacement));
    }

    private static bool IsSpec(INamedTypeSymbol type) =>
        type.GetAttributes().Any(attribute => attribute.AttributeClass?.ToDisplayString() == Parsing.KernelSpecParser.AttentionKernelAttributeName);
}
