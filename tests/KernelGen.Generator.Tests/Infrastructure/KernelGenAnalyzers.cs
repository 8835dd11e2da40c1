using KernelGen.CodeFixes;
using KernelGen.Generator.Analysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KernelGen.Generator.Tests.Infrastructure;

/// <summary>
/// What KernelGen plugs into the compiler and the editor: the generator, the analyzer and the code fix. The same tests
/// run on the projects' own builds and on the copies inside the packed package.
/// </summary>
public sealed record KernelGenAnalyzers(IIncrementalGenerator Generator, DiagnosticAnalyzer Analyzer, CodeFixProvider CodeFix)
{
    public static KernelGenAnalyzers FromProjects { get; } =
        new(new AttentionKernelGenerator(), new RawBoundAnalyzer(), new UseWindowConversionCodeFix());
}
