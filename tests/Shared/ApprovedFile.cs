using System;
using System.IO;

namespace KernelGen.Tests;

/// <summary>
/// Approved-file checks in Verify's shape: <c>{name}.verified{ext}</c> is the approved text; a difference writes
/// <c>{name}.received{ext}</c> beside it (ignored by git) and fails, unless <c>KERNELGEN_ACCEPT_SNAPSHOTS=1</c>
/// accepts the new text. Shared by the test projects as a linked file.
/// </summary>
internal static class ApprovedFile
{
    public const string AcceptVariable = "KERNELGEN_ACCEPT_SNAPSHOTS";

    /// <summary>Null when <paramref name="actual"/> matches <paramref name="approvedPath"/> (or was accepted); otherwise why not.</summary>
    public static string? Check(string approvedPath, string receivedPath, string actual)
    {
        actual = actual.Replace("\r\n", "\n");
        if (File.Exists(approvedPath) && File.ReadAllText(approvedPath).Replace("\r\n", "\n") == actual)
        {
            File.Delete(receivedPath);
            return null;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(approvedPath)!);
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllText(approvedPath, actual);
            File.Delete(receivedPath);
            return null;
        }

        File.WriteAllText(receivedPath, actual);
        return File.Exists(approvedPath)
            ? $"{approvedPath} differs from {receivedPath} (set {AcceptVariable}=1 to accept)"
            : $"{approvedPath} is missing; see {receivedPath} (set {AcceptVariable}=1 to accept)";
    }

    /// <summary>Checks <c>Snapshots/{name}.verified{extension}</c> next to the test file.</summary>
    public static string? CheckSnapshot(string snapshotDirectory, string name, string extension, string actual) =>
        Check(Path.Combine(snapshotDirectory, $"{name}.verified{extension}"), Path.Combine(snapshotDirectory, $"{name}.received{extension}"), actual);

    /// <summary>Checks a generated document such as <c>docs/conventions.md</c>; the received copy sits beside it.</summary>
    public static string? CheckDocument(string path, string actual) =>
        Check(path, Path.ChangeExtension(path, ".received" + Path.GetExtension(path)), actual);
}
