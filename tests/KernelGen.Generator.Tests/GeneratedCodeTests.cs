using System.Linq;
using KernelGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace KernelGen.Generator.Tests;

/// <summary>Snapshots of representative specs; each also compiles with no warning against the runtime.</summary>
public sealed class GeneratedCodeTests
{
    [Fact]
    public void MistralCausalWindow() => VerifyClean("""
        using KernelGen;
        namespace Models;
        [AttentionKernel(HeadDim = 128)]
        [SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
        public static partial class MistralAttention;
        """);

    [Fact]
    public void CausalWithoutWindow() => VerifyClean("""
        using KernelGen;
        namespace Models;
        [AttentionKernel(HeadDim = 64, Causal = true)]
        public static partial class CausalAttention;
        """);

    [Fact]
    public void NoMask() => VerifyClean("""
        using KernelGen;
        [AttentionKernel(HeadDim = 32)]
        internal partial class EncoderAttention { }
        """);

    [Fact]
    public void SymmetricTopLeftWindow() => VerifyClean("""
        using KernelGen;
        namespace Models;
        [AttentionKernel(HeadDim = 96, QueryTileSize = 16, KeyTileSize = 16)]
        [SlidingWindow(Left = 2, Right = 2, Inclusive = true, Alignment = WindowAlignment.TopLeft)]
        public partial class LongformerAttention;
        """);

    [Fact]
    public void CuDnnConventionNestedInPartialTypes() => VerifyClean("""
        using KernelGen;
        namespace Models.Layers;
        public static partial class Model
        {
            public partial class Layer
            {
                [AttentionKernel(HeadDim = 64)]
                [SlidingWindow(Left = 128, Right = 0, Convention = Backend.CuDnn, Alignment = WindowAlignment.BottomRight)]
                public static partial class GptOssLocalAttention;
            }
        }
        """);

    [Fact]
    public void ExclusiveBoundsWithSinksAndSoftCap() => VerifyClean("""
        using KernelGen;
        namespace Models;
        [AttentionKernel(HeadDim = 256, Causal = true, LogitSoftCap = 50, Sinks = true, SoftmaxScale = 0.0625)]
        [SlidingWindow(Left = 4096, Inclusive = false)]
        public static partial class Gemma2LocalAttention;
        """);

    private static void VerifyClean(string source, [System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        var (result, output) = GeneratorRunner.Run(source);
        Assert.NotEmpty(result.GeneratedTrees);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, Snapshot.FormatDiagnostics(problems));
        Snapshot.Verify(result, method: method);
    }
}
