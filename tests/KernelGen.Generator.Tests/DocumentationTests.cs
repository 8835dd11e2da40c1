using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Xunit;

namespace KernelGen.Generator.Tests;

/// <summary>The diagnostics list in docs/ and the release tracking files cannot drift from the descriptors.</summary>
public sealed class DocumentationTests
{
    private static DiagnosticDescriptor[] Descriptors => typeof(AttentionKernelGenerator).Assembly
        .GetType("KernelGen.Generator.Diagnostics.DiagnosticDescriptors")!
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(member => (DiagnosticDescriptor)member.GetValue(null)!)
        .ToArray();

    [Fact]
    public void EveryDiagnosticIsDocumentedAndTracked()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "diagnostics.md"));
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var unshipped = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Generator", "AnalyzerReleases.Unshipped.md"));
        Assert.Equal(15, Descriptors.Length);
        Assert.Equal(Descriptors.Length, Descriptors.Select(d => d.Id).Distinct().Count());
        foreach (var descriptor in Descriptors)
        {
            Assert.Matches(@"^KG\d{4}$", descriptor.Id);
            Assert.Contains($"| [{descriptor.Id}](#{descriptor.Id.ToLowerInvariant()}) | {descriptor.DefaultSeverity} | {descriptor.Category} | {descriptor.Title} |", docs);
            Assert.Contains($"{descriptor.Id} | {descriptor.Category} | {descriptor.DefaultSeverity} | {descriptor.Title}", unshipped);
            Assert.Contains(descriptor.Id, readme);
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString()), $"{descriptor.Id} has no help text");
        }
    }

    private static string RepositoryRoot([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));
}
