using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KernelGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace KernelGen.Generator.Tests;

/// <summary>KG0018 flags a backend record built from a canonical bound, and its code fix calls the conversion.</summary>
public sealed class CodeFixTests
{
    private const string Spec = """
        using KernelGen;
        namespace Models;
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
        public static partial class Mistral;
        """;

    [Fact]
    public Task RawBoundIsFlaggedAndFixed() => RawBoundIsFlaggedAndFixedBy(KernelGenAnalyzers.FromProjects);

    /// <summary>Also run on the analyzer and code fix inside the packed package (PackageTests).</summary>
    internal static async Task RawBoundIsFlaggedAndFixedBy(KernelGenAnalyzers analyzers)
    {
        const string Use = """
            using KernelGen;
            namespace Models;
            public static class Launch
            {
                public static CuDnnWindow Parameters() => new CuDnnWindow(Mistral.WindowLeft, Mistral.WindowRight, Mistral.Alignment);
            }
            """;
        var diagnostic = Assert.Single(await AnalyzeAsync(Use, analyzers));
        Assert.Equal("KG0018", diagnostic.Id);
        Assert.Equal(
            "new CuDnnWindow(...) takes the numbers that cuDNN itself uses, but Mistral.WindowLeft is KernelGen's inclusive bound. Call Mistral.Window.ToCuDnn() instead.",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new[] { diagnostic.Id }, analyzers.CodeFix.FixableDiagnosticIds);

        var fixedText = await ApplyFixAsync(Use, diagnostic, analyzers);
        Assert.Contains("public static CuDnnWindow Parameters() => Mistral.Window.ToCuDnn();", fixedText);
        Assert.Empty(await AnalyzeAsync(fixedText, analyzers));
    }

    [Fact]
    public async Task TheMessageReadsForEveryBackendName()
    {
        // A backend named in the plural ("HF transformers") once read "HF transformers's own numbers".
        const string Use = """
            using KernelGen;
            namespace Models;
            public static class Launch
            {
                public static HuggingFaceWindow Parameters() => new HuggingFaceWindow(Mistral.WindowLeft, true);
            }
            """;
        var diagnostic = Assert.Single(await AnalyzeAsync(Use, KernelGenAnalyzers.FromProjects));
        Assert.Equal(
            "new HuggingFaceWindow(...) takes the numbers that HF transformers itself uses, but Mistral.WindowLeft is KernelGen's inclusive bound. Call Mistral.Window.ToHuggingFace() instead.",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ConvertedOrUnrelatedNumbersAreNotFlagged()
    {
        const string Use = """
            using KernelGen;
            namespace Models;
            public static class Launch
            {
                public static CuDnnWindow Converted() => Mistral.Window.ToCuDnn();
                public static CuDnnWindow Generated() => Mistral.CuDnn.Parameters;
                public static FlashAttentionWindow Literal() => new FlashAttentionWindow(4095, 0);
            }
            """;
        Assert.Empty(await AnalyzeAsync(Use, KernelGenAnalyzers.FromProjects));
    }

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(string use, KernelGenAnalyzers analyzers)
    {
        var (_, output) = GeneratorRunner.Run(LanguageVersion.Latest, analyzers.Generator, Spec, use);
        var analyzed = output.WithAnalyzers(ImmutableArray.Create(analyzers.Analyzer));
        return await analyzed.GetAnalyzerDiagnosticsAsync();
    }

    private static async Task<string> ApplyFixAsync(string use, Diagnostic diagnostic, KernelGenAnalyzers analyzers)
    {
        using var workspace = new AdhocWorkspace();
        var (_, output) = GeneratorRunner.Run(LanguageVersion.Latest, analyzers.Generator, Spec, use);
        var project = workspace.AddProject("User", LanguageNames.CSharp)
            .WithMetadataReferences(output.References)
            .WithCompilationOptions(output.Options);
        foreach (var tree in output.SyntaxTrees)
        {
            project = project.AddDocument(System.IO.Path.GetFileName(tree.FilePath), tree.GetText(), filePath: tree.FilePath).Project;
        }

        var document = project.Documents.Single(d => d.FilePath == diagnostic.Location.SourceTree!.FilePath);
        var actions = new System.Collections.Generic.List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await analyzers.CodeFix.RegisterCodeFixesAsync(context);
        var operation = Assert.Single(await Assert.Single(actions).GetOperationsAsync(CancellationToken.None));
        var changed = ((ApplyChangesOperation)operation).ChangedSolution.GetDocument(document.Id)!;
        return (await changed.GetTextAsync()).ToString();
    }
}
