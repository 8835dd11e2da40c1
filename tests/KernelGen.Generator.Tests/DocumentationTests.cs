using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Xunit;

namespace KernelGen.Generator.Tests;

/// <summary>
/// docs/diagnostics.md is written from the descriptors (accept changes with KERNELGEN_ACCEPT_SNAPSHOTS=1), and the
/// release tracking file and README list every ID, so none of them can drift.
/// </summary>
public sealed class DocumentationTests
{
    private static DiagnosticDescriptor[] Descriptors => typeof(AttentionKernelGenerator).Assembly
        .GetType("KernelGen.Generator.Diagnostics.DiagnosticDescriptors")!
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(member => (DiagnosticDescriptor)member.GetValue(null)!)
        .OrderBy(descriptor => descriptor.Id, StringComparer.Ordinal)
        .ToArray();

    [Fact]
    public void DiagnosticsReferenceIsWrittenFromTheDescriptors()
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "diagnostics.md");
        var expected = DiagnosticsReference();
        var failure = KernelGen.Tests.ApprovedFile.CheckDocument(path, expected);
        Assert.True(failure is null, failure);
    }

    [Fact]
    public void EveryDiagnosticIsTrackedAndListed()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var unshipped = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Generator", "AnalyzerReleases.Unshipped.md"));
        Assert.Equal(37, Descriptors.Length);
        Assert.Equal(Descriptors.Length, Descriptors.Select(d => d.Id).Distinct().Count());
        foreach (var descriptor in Descriptors)
        {
            Assert.Matches(@"^KG\d{4}$", descriptor.Id);
            Assert.Contains($"{descriptor.Id} | {descriptor.Category} | {descriptor.DefaultSeverity} | {descriptor.Title}", unshipped);
            Assert.Contains($"| {descriptor.Id} |", readme);
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString()), $"{descriptor.Id} has no help text");
        }
    }

    [Fact]
    public void EveryDiagnosticLinksToItsSectionOfTheReference()
    {
        var headings = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "diagnostics.md"))
            .Where(line => line.StartsWith("## ", StringComparison.Ordinal))
            .Select(line => GitHubAnchor(line.Substring(3)))
            .ToHashSet();
        foreach (var descriptor in Descriptors)
        {
            var link = new Uri(descriptor.HelpLinkUri);
            Assert.Equal(Uri.UriSchemeHttps, link.Scheme);
            Assert.EndsWith("/blob/main/docs/diagnostics.md", link.GetLeftPart(UriPartial.Path), StringComparison.Ordinal);
            Assert.True(headings.Contains(link.Fragment.TrimStart('#')), $"{descriptor.Id}: docs/diagnostics.md has no heading for {link.Fragment}");
        }
    }

    /// <summary>The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens.</summary>
    private static string GitHubAnchor(string heading) =>
        new string(heading.Trim().ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_').ToArray()).Replace(' ', '-');

    private static string DiagnosticsReference()
    {
        var text = new StringBuilder()
            .Append("# KernelGen diagnostics\n\n")
            .Append("Every diagnostic KernelGen reports, written from `src/Generator/Diagnostics/DiagnosticDescriptors.cs` by a test.\n")
            .Append("IDs are stable. Each can be silenced with `#pragma warning disable KGxxxx` or an `.editorconfig` severity.\n\n")
            .Append("| ID | Severity | Category | Title |\n|---|---|---|---|\n");
        foreach (var d in Descriptors)
        {
            text.Append($"| [{d.Id}](#{d.Id.ToLowerInvariant()}) | {d.DefaultSeverity} | {d.Category} | {d.Title} |\n");
        }

        foreach (var d in Descriptors)
        {
            text.Append($"\n## {d.Id}\n\n**{d.Title}** ({d.DefaultSeverity})\n\n{d.Description}\n\nMessage: `{d.MessageFormat}`\n");
        }

        return text.ToString();
    }

    private static string RepositoryRoot([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));
}
