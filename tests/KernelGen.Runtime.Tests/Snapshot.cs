using System;
using System.IO;
using System.Runtime.CompilerServices;
using Xunit;

namespace KernelGen.Runtime.Tests;

/// <summary>
/// Text snapshots in Verify's shape: <c>Snapshots/{Class}.{Method}.verified{extension}</c>; a difference writes
/// <c>.received</c> beside it and fails, and <c>KERNELGEN_ACCEPT_SNAPSHOTS=1</c> accepts the new text.
/// </summary>
internal static class Snapshot
{
    public static void Verify(string actual, string extension, [CallerFilePath] string testFile = "", [CallerMemberName] string method = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(testFile)!, "..", "Snapshots");
        var name = $"{Path.GetFileNameWithoutExtension(testFile)}.{method}";
        var verified = Path.Combine(directory, $"{name}.verified{extension}");
        var received = Path.Combine(directory, $"{name}.received{extension}");
        actual = actual.Replace("\r\n", "\n");
        if (File.Exists(verified) && File.ReadAllText(verified).Replace("\r\n", "\n") == actual)
        {
            File.Delete(received);
            return;
        }

        Directory.CreateDirectory(directory);
        if (Environment.GetEnvironmentVariable("KERNELGEN_ACCEPT_SNAPSHOTS") == "1")
        {
            File.WriteAllText(verified, actual);
            return;
        }

        File.WriteAllText(received, actual);
        Assert.Fail($"{verified} differs from {received} (set KERNELGEN_ACCEPT_SNAPSHOTS=1 to accept)");
    }
}
