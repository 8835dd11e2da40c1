using System.Diagnostics;
using System.IO;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Runtime.Tests.Cpu;

/// <summary>
/// The CPU kernel on the narrower paths that this machine (AVX2) does not take by itself: 128-bit vectors
/// (<c>DOTNET_EnableAVX2=0</c>, as on SSE-only x64 or Arm64's width) and no SIMD at all
/// (<c>DOTNET_EnableHWIntrinsic=0</c>). The switches act only at process start, so a small program runs the kernel
/// against the fp64 reference in a child process.
/// </summary>
public sealed class CpuFallbackPathTests
{
    private readonly ITestOutputHelper _log;

    public CpuFallbackPathTests(ITestOutputHelper log) => _log = log;

    [Theory]
    [InlineData("DOTNET_EnableAVX2", "Vector<float>: 4 lanes, hardware accelerated: True")]
    [InlineData("DOTNET_EnableHWIntrinsic", "Vector<float>: 4 lanes, hardware accelerated: False")]
    public void NarrowerPathsMatchTheReference(string switchedOff, string expectedPath)
    {
        var program = Path.Combine(FallbackProgramFolder(), "KernelGen.CpuFallback.dll");
        Assert.True(File.Exists(program), $"{program} was not built");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(program);
        start.Environment[switchedOff] = "0";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        _log.WriteLine(output);
        Assert.Contains(expectedPath, output);
        Assert.Equal(0, process.ExitCode);
        Assert.DoesNotContain("FAILED", output);
    }

    // The program's build output, beside this test project's: tests/KernelGen.CpuFallback/bin/<configuration>/<framework>.
    private static string FallbackProgramFolder()
    {
        var testOutput = new DirectoryInfo(System.AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var tests = testOutput.Parent.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(tests, "KernelGen.CpuFallback", "bin", configuration, framework);
    }
}
