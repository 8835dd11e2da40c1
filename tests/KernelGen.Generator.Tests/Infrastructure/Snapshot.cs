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
    public const string AcceptVariable = "KERNELGEN_ACCEPT_SNAPSHOTS";

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
        Assert.True(failures.Count == 0, "Snapshots differ (set " + AcceptVariable + "=1 to accept):\n" + string.Join("\n", failures));
    }

    /// <summary>Checks one text against <c>{Class}.{Method}.verified{extension}</c>.</summary>
    public static void VerifyText(string text, string extension, [CallerFilePath] string testFile = "", [CallerMemberName] string method = "")
    {
        var failures = new List<string>();
        Check(testFile, $"{Path.GetFileNameWithoutExtension(testFile)}.{method}", extension, text, failures);
        Assert.True(failures.Count == 0, "Snapshot differs (set " + AcceptVariable + "=1 to accept):\n" + string.Join("\n", failures));
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
        var directory = Path.Combine(Path.GetDirectoryName(testFile)!, "Snapshots");
        var verified = Path.Combine(directory, $"{name}.verified{extension}");
        var received = Path.Combine(directory, $"{name}.received{extension}");
        actual = actual.Replace("\r\n", "\n");
        if (File.Exists(verified) && File.ReadAllText(verified).Replace("\r\n", "\n") == actual)
        {
            File.Delete(received);
            return;
        }

        Directory.CreateDirectory(directory);
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, actual);
        failures.Add(File.Exists(verified) ? $"{verified} differs from {received}" : $"{verified} is missing; see {received}");
    }
}
