using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Xunit;

namespace KernelGen.Generator.Tests.Infrastructure;

/// <summary>
/// Snapshot checks in Verify.SourceGenerators' file shape: <c>Snapshots/{Class}.{Method}#{HintName}.verified.cs</c>
/// per generated file (first line <c>//HintName: ...</c>) and <c>{Class}.{Method}.verified.txt</c> for the
/// diagnostics. A difference writes a <c>.received.</c> file beside the approved one and fails; setting
/// <c>KERNELGEN_ACCEPT_SNAPSHOTS=1</c> accepts the new output instead.
/// </summary>
internal static class Snapshot
{
    /// <summary>Checks every generated file and the diagnostics of one generator run.</summary>
    public static void Verify(GeneratorDriverRunResult result, [CallerFilePath] string testFile = "", [CallerMemberName] string method = "")
    {
        var prefix = $"{Path.GetFileNameWithoutExtension(testFile)}.{method}";
        var failures = new List<string>();
        foreach (var source in result.Results.SelectMany(r => r.GeneratedSources).OrderBy(s => s.HintName, StringComparer.Ordinal))
        {
            var text = $"//HintName: {source.HintName}\n{source.SourceText}";
            Check(testFile, $"{prefix}#{source.HintName}", ".cs", text, failures);
        }

        Check(testFile, prefix, ".txt", FormatDiagnostics(result.Diagnostics), failures);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Checks one text against <c>{Class}.{Method}.verified{extension}</c>.</summary>
    public static void VerifyText(string text, string extension, [CallerFilePath] string testFile = "", [CallerMemberName] string method = "")
    {
        var failures = new List<string>();
        Check(testFile, $"{Path.GetFileNameWithoutExtension(testFile)}.{method}", extension, text, failures);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    public static string FormatDiagnostics(IEnumerable<Diagnostic> diagnostics) =>
        string.Concat(diagnostics
            .OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal)
            .Select(d => $"{d.Id} {d.Severity} {Format(d.Location)}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}\n"));

    private static string Format(Location location)
    {
        var span = location.GetLineSpan();
        return location.IsInSource
            ? $"{Path.GetFileName(span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})"
            : "(no location)";
    }

    private static void Check(string testFile, string name, string extension, string actual, List<string> failures)
    {
        var failure = KernelGen.Tests.ApprovedFile.CheckSnapshot(Path.Combine(Path.GetDirectoryName(testFile)!, "Snapshots"), name, extension, actual);
        if (failure is not null)
        {
            failures.Add(failure);
        }
    }
}
