using System.IO;
using System.Runtime.CompilerServices;
using KernelGen.Tests;
using Xunit;

namespace KernelGen.Runtime.Tests;

/// <summary>Text snapshots in <c>Snapshots/{Class}.{Method}.verified{extension}</c> (see <see cref="ApprovedFile"/>).</summary>
internal static class Snapshot
{
    public static void Verify(string actual, string extension, [CallerFilePath] string testFile = "", [CallerMemberName] string method = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(testFile)!, "..", "Snapshots");
        var failure = ApprovedFile.CheckSnapshot(directory, $"{Path.GetFileNameWithoutExtension(testFile)}.{method}", extension, actual);
        Assert.True(failure is null, failure);
    }
}
