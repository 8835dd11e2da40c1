using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;

namespace KernelGen.CodeFixes;

/// <summary>
/// Fixes KG0018: replaces <c>new CuDnnWindow(MySpec.WindowLeft, ...)</c> with <c>MySpec.Window.ToCuDnn()</c>, the
/// conversion the analyzer named.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseWindowConversionCodeFix)), Shared]
public sealed class UseWindowConversionCodeFix : CodeFixProvider
{
    private const string DiagnosticId = "KG0018";
    private const string ReplacementProperty = "Replacement";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticId);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || !diagnostic.Properties.TryGetValue(ReplacementProperty, out var replacement) || replacement is null)
            {
                continue;
            }

            var creation = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Use {replacement}",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(
                        root.ReplaceNode(creation, SyntaxFactory.ParseExpression(replacement).WithTriviaFrom(creation)))),
                    equivalenceKey: DiagnosticId),
                diagnostic);
        }
    }
}
