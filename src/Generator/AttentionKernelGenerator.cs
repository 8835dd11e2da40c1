using System;
using System.Linq;
using KernelGen.Generator.Emitting;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelGen.Generator;

/// <summary>
/// Turns <c>[AttentionKernel]</c> classes into window constants and specialised ILGPU kernels.
/// <see cref="Initialize"/> only wires the pipeline: parsing and emitting live in their own units.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class AttentionKernelGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Model configs come in as AdditionalFiles, by value: editing one re-parses the specs, and nothing else does.
        var modelConfigs = context.AdditionalTextsProvider
            .Where(static file => file.Path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            .Select(static (file, cancellationToken) => new ModelConfigFile(file.Path, file.GetText(cancellationToken)?.ToString()))
            .Collect()
            .Select(static (files, _) => files.ToImmutableEquatableArray())
            .WithTrackingName(TrackingNames.ModelConfigs);

        // The attribute context lives only until it meets the configs: Parse needs both and returns values again. Roslyn
        // re-runs this transform for every compilation anyway, so holding the context one step adds no parsing.
        var parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KernelSpecParser.AttentionKernelAttributeName,
                static (node, _) => node is TypeDeclarationSyntax,
                static (attributeContext, _) => attributeContext)
            .Combine(modelConfigs)
            .Select(static (pair, cancellationToken) => KernelSpecParser.Parse(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(TrackingNames.Parse);

        var specs = parsed
            .Select(static (result, _) => result.Spec)
            .WithTrackingName(TrackingNames.Spec);
        context.RegisterSourceOutput(specs, static (output, spec) => Emit(output, spec));

        // ILGPU's launchers live in their own dynamic assembly and must see the internal window structs.
        var anyKernel = specs
            .Select(static (spec, _) => spec is not null)
            .Collect()
            .Select(static (flags, _) => flags.Any(flag => flag))
            .WithTrackingName(TrackingNames.AnyKernel);
        context.RegisterSourceOutput(anyKernel, static (output, any) =>
        {
            if (any)
            {
                output.AddSource("KernelGen.IlgpuAccess.g.cs", IlgpuAccessEmitter.Source);
            }
        });

        var diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (output, found) => Report(output, found));

        foreach (var attributeName in KernelSpecParser.KernelOnlyAttributeNames)
        {
            var orphans = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    attributeName,
                    static (node, _) => node is TypeDeclarationSyntax,
                    KernelSpecParser.FindOrphanAttribute)
                .WithTrackingName(TrackingNames.OrphanAttributes);
            context.RegisterSourceOutput(orphans, static (output, found) => Report(output, found));
        }
    }

    private static void Emit(SourceProductionContext output, KernelSpec? spec)
    {
        if (spec is null)
        {
            return;
        }

        foreach (var (hintName, source) in GeneratedFiles.Of(spec))
        {
            output.AddSource(hintName, source);
        }
    }

    private static void Report(SourceProductionContext output, ImmutableEquatableArray<Diagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            output.ReportDiagnostic(diagnostic);
        }
    }
}
