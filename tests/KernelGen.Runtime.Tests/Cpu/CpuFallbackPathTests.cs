using System.Diagnostics;
using System.IO;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Runtime.Tests.Cpu;

/// <summary>
/// The CPU kernel on the vector widths that this machine does not take by itself: 128-bit vectors
/// (<c>DOTNET_EnableAVX2=0</c>, as on SSE-only x64 or Arm64's width), no SIMD at all (<c>DOTNET_EnableHWIntrinsic=0</c>),
/// and, where the processor has AVX-512, 512-bit vectors (<c>DOTNET_MaxVectorTBitWidth=512</c>, with 16 lanes head
/// sizes such as 48 take the kernels' remainder paths). The switches act only at process start, so a small program
/// runs the kernel against the fp64 reference in a child process.
/// </summary>
public sealed class CpuFallbackPathTests
{
    private readonly ITestOutputHelper _log;

    public CpuFallbackPathTests(ITestOutputHelper log) => _log = log;

    public static TheoryData<string, string, string> Paths()
    {
        var paths = new TheoryData<string, string, string>
        {
            { "DOTNET_EnableAVX2", "0", "Vector<float>: 4 lanes, hardware accelerated: True" },
            { "DOTNET_EnableHWIntrinsic", "0", "Vector<float>: 4 lanes, hardware accelerated: False" },
        };
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            paths.Add("DOTNET_MaxVectorTBitWidth", "512", "Vector<float>: 16 lanes, hardware accelerated: True");
        }

        return paths;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void OtherVectorWidthsMatchTheReference(string setting, string value, string expectedPath)
    {
        var program = Path.Combine(FallbackProgramFolder(), "KernelGen.CpuFallback.dll");
        Assert.True(File.Exists(program), $"{program} was not built");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(program);
        start.Environment[setting] = value;
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
