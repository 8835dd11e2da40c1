using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Emitting;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing.ModelConfigs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelGen.Generator.Parsing;

/// <summary>Reads one <c>[AttentionKernel]</c> class into a <see cref="KernelSpec"/> and its diagnostics.</summary>
internal static class KernelSpecParser
{
    public const string AttentionKernelAttributeName = "KernelGen.AttentionKernelAttribute";
    public const string SlidingWindowAttributeName = "KernelGen.SlidingWindowAttribute";
    public const string FromModelConfigAttributeName = "KernelGen.FromModelConfigAttribute";
    public const string ChunkedAttentionAttributeName = "KernelGen.ChunkedAttentionAttribute";

    /// <summary>Parses one kernel class; <paramref name="configs"/> are the JSON AdditionalFiles a <c>[FromModelConfig]</c> may name.</summary>
    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, ImmutableEquatableArray<ModelConfigFile> configs, CancellationToken cancellationToken)
    {
        var diagnostics = new List<Diagnostic>();
        var spec = context.TargetSymbol is INamedTypeSymbol type && context.TargetNode is TypeDeclarationSyntax declaration
            ? ParseKernel(type, declaration, new AttributeArguments(context.Attributes[0]), context.SemanticModel.Compilation, configs, diagnostics, cancellationToken)
            : null;
        return new ParseResult(spec, diagnostics.ToImmutableEquatableArray());
    }

    /// <summary>The attributes that mean nothing without <c>[AttentionKernel]</c> on the same class (KG0009).</summary>
    public static readonly string[] KernelOnlyAttributeNames =
        [SlidingWindowAttributeName, ChunkedAttentionAttributeName, KvCacheReader.KvCacheAttributeName, FromModelConfigAttributeName];

    /// <summary>Reports one of <see cref="KernelOnlyAttributeNames"/> on a class that has no <c>[AttentionKernel]</c>.</summary>
    public static ImmutableEquatableArray<Diagnostic> FindOrphanAttribute(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == AttentionKernelAttributeName))
        {
            return ImmutableEquatableArray<Diagnostic>.Empty;
        }

        var attribute = context.Attributes[0];
        return new[] { Diagnostic.Create(DiagnosticDescriptors.AttributeWithoutKernel, new AttributeArguments(attribute).Location, context.TargetSymbol.Name, ShortName(attribute)) }
            .ToImmutableEquatableArray();
    }

    // Literals, not computed strings: Roslyn compares diagnostic arguments by reference, and a new string on every run
    // would make this step look modified after any edit.
    private static string ShortName(AttributeData attribute) => attribute.AttributeClass?.ToDisplayString() switch
    {
        SlidingWindowAttributeName => "SlidingWindow",
        ChunkedAttentionAttributeName => "ChunkedAttention",
        KvCacheReader.KvCacheAttributeName => "KvCache",
        _ => "FromModelConfig",
    };

    private static KernelSpec? ParseKernel(
        INamedTypeSymbol type, TypeDeclarationSyntax declaration, AttributeArguments kernel, Compilation compilation,
        ImmutableEquatableArray<ModelConfigFile> configs, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var name = type.Name;
        var targetOk = CheckTarget(type, declaration, diagnostics);
        var languageOk = CheckLanguageVersion(name, declaration, kernel, diagnostics);
        var containers = ReadContainingTypes(name, declaration, diagnostics);

        var attributes = type.GetAttributes();
        var configAttribute = attributes.FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == FromModelConfigAttributeName);
        var layer = configAttribute is null ? null : ReadModelLayer(name, configAttribute, configs, diagnostics);
        if (configAttribute is not null && layer is null)
        {
            return null;
        }

        var headDim = layer is null ? ReadHeadDim(name, kernel, diagnostics) : ModelConfigChecks.HeadDim(name, kernel, layer, new AttributeArguments(configAttribute!).Location, diagnostics);
        var tiles = headDim is int dim ? ReadTiles(name, dim, kernel, diagnostics) : null;
        var causal = kernel.Get<bool>("Causal");
        var numbersOk = TryReadPositive(name, kernel, "SoftmaxScale", diagnostics, out var scale)
            & TryReadPositive(name, kernel, "LogitSoftCap", diagnostics, out var softCap);
        var sinks = kernel.Get<bool>("Sinks");
        var element = kernel.Get<AttentionElement>("Element");
        var elementOk = CheckEnum(name, kernel, "Element", element, element.Value is AttentionElement.Float32 or AttentionElement.Float16 or AttentionElement.BFloat16, diagnostics)
            && (!kernel.IsGiven("Element") || element.IsValid);
        if (layer is not null)
        {
            // The config decides; what is written must agree (reported otherwise) and is then replaced by the config's.
            numbersOk &= ModelConfigChecks.Arguments(name, kernel, layer, causal, scale, softCap, sinks, diagnostics);
            (causal, scale, softCap, sinks) = (new(true, true), layer.SoftmaxScale, layer.LogitSoftCap, new(true, layer.Sinks));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var windowAttribute = attributes.FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == SlidingWindowAttributeName);
        var chunkAttribute = attributes.FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == ChunkedAttentionAttributeName);
        var window = ReadWindow(name, windowAttribute, chunkAttribute, causal.Value, diagnostics, out var writtenAs);
        if (layer is not null)
        {
            // The band and the chunks are checked apart, each against what HF's mask function for the layer gives.
            var writtenBand = window is AttentionWindow read ? new AttentionWindow(read.Left, read.Right, read.Alignment, null, read.SinkTokens) : (AttentionWindow?)null;
            var masksAgree = ModelConfigChecks.Window(name, windowAttribute, writtenBand, writtenAs, layer, diagnostics)
                & ModelConfigChecks.Chunk(name, chunkAttribute, layer, diagnostics);
            var derived = layer.ChunkSize is int chunkSize
                ? new AttentionWindow(layer.Window.Left, layer.Window.Right, layer.Window.Alignment, chunkSize)
                : layer.Window;
            (window, writtenAs) = masksAgree && ((windowAttribute is null && chunkAttribute is null) || window is not null)
                ? (derived, layer.Description)
                : ((AttentionWindow?)null, (string?)null);
        }

        var targets = kernel.GetEnumArray<Backend>("Targets");
        var targetsOk = targets is not null && targets.All(target => CheckEnum(name, kernel, "Targets", new ArgumentValue<Backend>(true, target), WindowConventions.IsDefined(target), diagnostics));
        if (window is AttentionWindow checkedWindow && targetsOk)
        {
            PinReader.Check(name, attributes, checkedWindow, targets!, kernel.LocationOf("Targets"), diagnostics);
        }

        KvCacheSpec? cache = null;
        var cacheOk = true;
        if (window is AttentionWindow cachedWindow && tiles is not null)
        {
            cache = KvCacheReader.Read(name, attributes, cachedWindow, tiles.HeadDim, diagnostics, out cacheOk);
        }

        if (!targetOk || !languageOk || containers is null || tiles is null || window is null || !numbersOk || !cacheOk || !elementOk
            || (kernel.IsGiven("Causal") && !causal.IsValid) || (kernel.IsGiven("Sinks") && !sinks.IsValid))
        {
            return null;
        }

        var spec = new KernelSpec(
            type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
            containers,
            name,
            type.IsStatic,
            tiles.HeadDim,
            tiles,
            window.Value,
            causal.Value,
            writtenAs ?? (causal.Value ? "[AttentionKernel(Causal = true)]" : "no [SlidingWindow], not causal"),
            (float)(scale ?? 1.0 / Math.Sqrt(tiles.HeadDim)),
            (float)(softCap ?? 0),
            sinks.Value,
            element.Value,
            cache);
        return MemberCollisions.Check(spec, declaration, compilation, diagnostics, cancellationToken) ? spec : null;
    }

    /// <summary>
    /// Below the generated files' C# version, each of them would fail with CS8773 in code the user did not write: one
    /// diagnostic on the kernel says what to change instead, and nothing is generated.
    /// </summary>
    private static bool CheckLanguageVersion(string name, TypeDeclarationSyntax declaration, AttributeArguments kernel, List<Diagnostic> diagnostics)
    {
        var version = ((CSharpParseOptions)declaration.SyntaxTree.Options).LanguageVersion;
        if (version >= GeneratedFiles.MinimumLanguageVersion)
        {
            return true;
        }

        diagnostics.Add(Diagnostic.Create(
            DiagnosticDescriptors.LanguageVersionTooLow, kernel.Location, name,
            GeneratedFiles.MinimumLanguageVersion.ToDisplayString(), version.ToDisplayString()));
        return false;
    }

    private static bool CheckTarget(INamedTypeSymbol type, TypeDeclarationSyntax declaration, List<Diagnostic> diagnostics)
    {
        if (declaration.Identifier.IsMissing)
        {
            return false; // The compiler already reports the missing name.
        }

        // Each problem carries its own fix. Generic means the type's own parameters: a type nested in a generic type
        // is KG0011's case, reported on the containing type.
        const string DeclareAsClass = "Declare it as a non-generic 'partial class' (static or not).";
        var problem = type.TypeKind != TypeKind.Class ? $"it is a {KeywordOf(declaration)}, not a class. {DeclareAsClass}"
            : type.IsRecord ? $"it is a record, not a plain class. {DeclareAsClass}"
            : type.TypeParameters.Length > 0 ? "it is generic, and ILGPU kernels cannot live in generic types. Remove its type parameters."
            : !declaration.Modifiers.Any(SyntaxKind.PartialKeyword) ? "it is not declared 'partial'. Add 'partial' to its declaration."
            : null;
        if (problem is null)
        {
            return true;
        }

        diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidTarget, declaration.Identifier.GetLocation(), type.Name, problem));
        return false;
    }

    private static ImmutableEquatableArray<ContainingType>? ReadContainingTypes(
        string name, TypeDeclarationSyntax declaration, List<Diagnostic> diagnostics)
    {
        var containers = new List<ContainingType>();
        var ok = true;
        for (var parent = declaration.Parent as TypeDeclarationSyntax; parent is not null; parent = parent.Parent as TypeDeclarationSyntax)
        {
            var problem = !parent.Modifiers.Any(SyntaxKind.PartialKeyword) ? "not declared 'partial'"
                : parent.TypeParameterList is not null ? "generic"
                : null;
            if (problem is not null)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.ContainingTypeNotPartial, parent.Identifier.GetLocation(), name, parent.Identifier.ValueText, problem));
                ok = false;
            }

            containers.Insert(0, new ContainingType(KeywordOf(parent), parent.Identifier.ValueText, parent.Modifiers.Any(SyntaxKind.StaticKeyword)));
        }

        return ok ? containers.ToImmutableEquatableArray() : null;
    }

    /// <summary>The layer <c>[FromModelConfig]</c> names, derived from its config; <see langword="null"/> (reported) when it cannot be.</summary>
    private static ModelLayer? ReadModelLayer(string name, AttributeData attribute, ImmutableEquatableArray<ModelConfigFile> configs, List<Diagnostic> diagnostics)
    {
        var arguments = new AttributeArguments(attribute);
        if (attribute.ConstructorArguments.Length != 1 || arguments.IsGiven("Layer") && !arguments.Get<int>("Layer").IsValid)
        {
            return null; // The compiler reports arguments it could not bind.
        }

        if (attribute.ConstructorArguments[0].Value is not string path || path.Length == 0)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidArgument, arguments.Location, name, "path", "(empty)", "give the config's path, as an AdditionalFiles item ends"));
            return null;
        }

        // Layers of one model differ (gpt-oss alternates sliding and full), so the index is never assumed.
        if (!arguments.IsGiven("Layer"))
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidArgument, arguments.Location, name, "Layer", "(not given)", "give the layer index, from 0"));
            return null;
        }

        var problems = new List<ConfigProblem>();
        var layer = ModelConfigReader.Read(name, path, arguments.Get<int>("Layer").Value, configs, problems);
        diagnostics.AddRange(problems.Select(problem => Diagnostic.Create(problem.Descriptor, arguments.Location, problem.MessageArguments)));
        return layer;
    }

    private static int? ReadHeadDim(string name, AttributeArguments kernel, List<Diagnostic> diagnostics)
    {
        var headDim = kernel.Get<int>("HeadDim");
        if (headDim.IsValid && TileLayout.IsSupportedHeadDim(headDim.Value))
        {
            return headDim.Value;
        }

        // A non-constant argument is already a compiler error; only report what the compiler accepted.
        if (!kernel.IsGiven("HeadDim") || headDim.IsValid)
        {
            var shown = headDim.IsValid ? headDim.Value.ToString(CultureInfo.InvariantCulture) : "(not given)";
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnsupportedHeadDim, kernel.LocationOf("HeadDim"), name, shown));
        }

        return null;
    }

    private static TileLayout? ReadTiles(string name, int headDim, AttributeArguments kernel, List<Diagnostic> diagnostics)
    {
        if (!(TryReadTileSize(name, kernel, "QueryTileSize", diagnostics, out var queryTile)
            & TryReadTileSize(name, kernel, "KeyTileSize", diagnostics, out var keyTile)))
        {
            return null;
        }

        var layout = TileLayout.Default(headDim, queryTile, keyTile);
        if (layout.FitsCuda)
        {
            return layout;
        }

        var defaults = TileLayout.Default(headDim);
        var needs = $"{layout.SharedMemoryBytes} bytes of shared memory (limit {TileLayout.MaxSharedMemoryBytes}) and {layout.ThreadsPerGroup} threads per group (limit {TileLayout.MaxThreadsPerGroup})";
        diagnostics.Add(Diagnostic.Create(
            DiagnosticDescriptors.TileSizesExceedLimits, kernel.Location, name, layout.QueryTileSize, layout.KeyTileSize, needs,
            $"QueryTileSize = {defaults.QueryTileSize}, KeyTileSize = {defaults.KeyTileSize}"));
        return null;
    }

    /// <summary>False (reported) when given but out of range; <paramref name="size"/> is null when not given.</summary>
    private static bool TryReadTileSize(string name, AttributeArguments kernel, string argument, List<Diagnostic> diagnostics, out int? size)
    {
        var value = kernel.Get<int>(argument);
        size = value.OrNull;
        if (!kernel.IsGiven(argument))
        {
            return true;
        }

        if (value.IsValid && (value.Value < 1 || value.Value > TileLayout.MaxThreadsPerGroup))
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidArgument, kernel.LocationOf(argument), name, argument, value.Value, $"use a tile size from 1 to {TileLayout.MaxThreadsPerGroup}, or omit it for the default"));
            return false;
        }

        return value.IsValid;
    }

    /// <summary>False (reported) when given but not a positive finite float; <paramref name="number"/> is null when not given.</summary>
    private static bool TryReadPositive(string name, AttributeArguments kernel, string argument, List<Diagnostic> diagnostics, out double? number)
    {
        var value = kernel.Get<double>(argument);
        number = value.OrNull;
        if (!kernel.IsGiven(argument))
        {
            return true;
        }

        var asFloat = (float)value.Value;
        if (value.IsValid && !(asFloat > 0 && !float.IsInfinity(asFloat)))
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidArgument, kernel.LocationOf(argument), name, argument, value.Value.ToString("R", CultureInfo.InvariantCulture), "it must be a positive, finite float"));
            return false;
        }

        return value.IsValid;
    }

    private static AttentionWindow? ReadWindow(
        string name, AttributeData? attribute, AttributeData? chunkAttribute, bool causal, List<Diagnostic> diagnostics, out string? writtenAs)
    {
        writtenAs = null;
        WrittenWindow? written = null;
        AttributeArguments? arguments = null;
        AttributeArguments? chunkArguments = null;
        int? chunkSize = null;
        if (chunkAttribute is not null)
        {
            chunkArguments = new AttributeArguments(chunkAttribute);
            var size = chunkArguments.Get<int>("Size");
            if (AnyInvalid(chunkArguments, ("Size", size.IsValid)))
            {
                return null;
            }

            // An omitted Size is 0, which KG0041 reports with the fix.
            chunkSize = size.IsValid ? size.Value : 0;
        }

        if (attribute is not null)
        {
            arguments = new AttributeArguments(attribute);
            writtenAs = WrittenText(attribute);

            var left = arguments.Get<int>("Left");
            var right = arguments.Get<int>("Right");
            var inclusive = arguments.Get<bool>("Inclusive");
            var convention = arguments.Get<Backend>("Convention");
            var alignment = arguments.Get<WindowAlignment>("Alignment");
            var sinkTokens = arguments.Get<int>("SinkTokens");
            var ok = CheckEnum(name, arguments, "Convention", convention, WindowConventions.IsDefined(convention.Value), diagnostics)
                & CheckEnum(name, arguments, "Alignment", alignment, alignment.Value is WindowAlignment.BottomRight or WindowAlignment.TopLeft, diagnostics);
            if (!ok || AnyInvalid(arguments, ("Left", left.IsValid), ("Right", right.IsValid), ("Inclusive", inclusive.IsValid), ("Convention", convention.IsValid), ("Alignment", alignment.IsValid), ("SinkTokens", sinkTokens.IsValid)))
            {
                return null;
            }

            written = new WrittenWindow(left.OrNull, right.OrNull, inclusive.OrNull, convention.OrNull, alignment.OrNull, sinkTokens.OrNull);
        }

        if (chunkAttribute is not null)
        {
            writtenAs = (writtenAs is null ? string.Empty : writtenAs + " ") + WrittenText(chunkAttribute);
        }

        var problems = new List<WindowProblem>();
        var window = WindowReader.Read(name, written, chunkSize, causal, problems);
        foreach (var problem in problems)
        {
            var on = problem.OnChunks ? chunkArguments : arguments;
            var location = problem.Argument is string argument && on is not null ? on.LocationOf(argument) : on?.Location ?? Location.None;
            diagnostics.Add(Diagnostic.Create(problem.Descriptor, location, problem.MessageArguments));
        }

        return window;
    }

    private static string? WrittenText(AttributeData attribute) =>
        attribute.ApplicationSyntaxReference?.GetSyntax() is { } syntax
            ? "[" + string.Join(" ", syntax.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)) + "]"
            : null;

    private static bool CheckEnum<T>(string name, AttributeArguments arguments, string argument, ArgumentValue<T> value, bool isDefined, List<Diagnostic> diagnostics)
        where T : struct
    {
        if (!value.IsValid || isDefined)
        {
            return true;
        }

        diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidArgument, arguments.LocationOf(argument), name, argument, Convert.ToInt32(value.Value, CultureInfo.InvariantCulture), $"use one of the named {typeof(T).Name} members"));
        return false;
    }

    /// <summary>True when an argument was written but could not be read (the compiler reports those).</summary>
    private static bool AnyInvalid(AttributeArguments arguments, params (string Name, bool IsValid)[] values) =>
        values.Any(v => !v.IsValid && arguments.IsGiven(v.Name));

    private static string KeywordOf(TypeDeclarationSyntax declaration) => declaration switch
    {
        RecordDeclarationSyntax record when record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
        RecordDeclarationSyntax => "record",
        _ => declaration.Keyword.ValueText,
    };
}
