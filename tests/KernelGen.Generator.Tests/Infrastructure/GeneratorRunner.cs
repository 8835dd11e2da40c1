using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using KernelGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KernelGen.Generator.Tests.Infrastructure;

/// <summary>Compiles user source against the runtime and runs the generator on it, as a real build does.</summary>
internal static class GeneratorRunner
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var kernelGen = new[] { typeof(AttentionWindow).Assembly.Location, typeof(ILGPU.Context).Assembly.Location, typeof(ILGPU.Algorithms.XMath).Assembly.Location };
        return platform.Concat(kernelGen).Distinct()
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    });

    public static CSharpCompilation Compile(params string[] sources) => Compile(LanguageVersion.Latest, sources);

    /// <summary>Compiles <paramref name="sources"/> as a project with <c>LangVersion</c> <paramref name="version"/> would.</summary>
    public static CSharpCompilation Compile(LanguageVersion version, params string[] sources) =>
        CSharpCompilation.Create(
            "UserAssembly",
            sources.Select((source, index) => CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(version), path: $"User{index}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>
    /// A driver that parses the generated files at <paramref name="version"/>, as the compiler does for a project's own;
    /// it runs <paramref name="generator"/> (a packed copy, say) or the project's own generator.
    /// </summary>
    public static GeneratorDriver CreateDriver(LanguageVersion version = LanguageVersion.Latest, IIncrementalGenerator? generator = null, IEnumerable<AdditionalText>? additionalTexts = null) =>
        CSharpGeneratorDriver.Create(
            new[] { (generator ?? new AttentionKernelGenerator()).AsSourceGenerator() },
            additionalTexts: additionalTexts,
            parseOptions: new CSharpParseOptions(version),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator with <paramref name="additionalTexts"/> as the project's <c>AdditionalFiles</c>.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output) Run(IEnumerable<AdditionalText> additionalTexts, params string[] sources)
    {
        var driver = CreateDriver(additionalTexts: additionalTexts).RunGeneratorsAndUpdateCompilation(Compile(sources), out var output, out _);
        return (driver.GetRunResult(), output);
    }

    /// <summary>Runs the generator; returns its result and the compilation that includes the generated files.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output) Run(params string[] sources) => Run(LanguageVersion.Latest, sources);

    /// <summary>Runs the generator on a project compiled at <paramref name="version"/>.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output) Run(LanguageVersion version, params string[] sources) =>
        Run(version, new AttentionKernelGenerator(), sources);

    /// <summary>Runs <paramref name="generator"/> on a project compiled at <paramref name="version"/>.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output) Run(LanguageVersion version, IIncrementalGenerator generator, params string[] sources)
    {
        var compilation = Compile(version, sources);
        var driver = CreateDriver(version, generator).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (driver.GetRunResult(), output);
    }

    /// <summary>The generator's diagnostics plus the compiler's errors and warnings on the generated output.</summary>
    public static IReadOnlyList<Diagnostic> AllDiagnostics(params string[] sources) => AllDiagnostics(LanguageVersion.Latest, sources);

    /// <summary>The same, for a project compiled at <paramref name="version"/>.</summary>
    public static IReadOnlyList<Diagnostic> AllDiagnostics(LanguageVersion version, params string[] sources) =>
        Collect(Run(version, sources));

    /// <summary>The same, with <paramref name="additionalTexts"/> as the project's <c>AdditionalFiles</c>.</summary>
    public static IReadOnlyList<Diagnostic> AllDiagnostics(IEnumerable<AdditionalText> additionalTexts, params string[] sources) =>
        Collect(Run(additionalTexts, sources));

    private static IReadOnlyList<Diagnostic> Collect((GeneratorDriverRunResult Result, Compilation Output) run)
    {
        var (result, output) = run;
        return result.Diagnostics
            .Concat(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning))
            .Distinct()
            .ToList();
    }
}
