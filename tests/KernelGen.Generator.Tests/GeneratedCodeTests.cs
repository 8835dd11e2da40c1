using System.Linq;
using KernelGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
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
        [KvCache(MaxChunk = 512)]
        public static partial class MistralAttention;
        """);

    [Fact]
    public void BFloat16InputsWithASoftCap() => VerifyClean("""
        using KernelGen;
        namespace Models;
        [AttentionKernel(HeadDim = 256, Element = AttentionElement.BFloat16, LogitSoftCap = 50)]
        [SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
        public static partial class Gemma2LocalBFloat16;
        """);

    [Fact]
    public void Float16InputsWithACache() => VerifyClean("""
        using KernelGen;
        namespace Models;
        [AttentionKernel(HeadDim = 128, Element = AttentionElement.Float16)]
        [SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
        [KvCache(MaxChunk = 16)]
        public static partial class MistralFloat16;
        """);

    [Fact]
    public void CausalWithoutWindow() => VerifyClean("""
        using KernelGen;
        namespace Models;
        [AttentionKernel(HeadDim = 64, Causal = true)]
        [KvCache(MaxChunk = 1)]
        public static partial class CausalAttention;
        """);

    [Fact]
    public void StreamingLlmSinkTokensWithACache() => VerifyClean("""
        using KernelGen;
        namespace Models;
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 1019, Right = 0, Inclusive = true, SinkTokens = 4)]
        [KvCache(MaxChunk = 1)]
        public static partial class StreamingAttention;
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

    /// <summary>A window that ends before the query's own key (KG0006 warns): the doc says where it runs, plainly.</summary>
    [Fact]
    public void WindowBeforeTheOwnKey()
    {
        var (result, output) = GeneratorRunner.Run("""
            using KernelGen;
            namespace Models;
            [AttentionKernel(HeadDim = 32)]
            [SlidingWindow(Left = 3, Right = 0, Inclusive = false)]
            public static partial class PreviousKeysAttention;
            """);
        Assert.Equal(new[] { "KG0006" }, result.Diagnostics.Concat(output.GetDiagnostics()).Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.Id));
        var window = result.GeneratedTrees.Single(tree => tree.FilePath.EndsWith("Window.g.cs", System.StringComparison.Ordinal)).ToString();
        Assert.Contains("Query i sees the keys from key i - 2 to key i - 1 (2 keys at most), all before its own key: not its own key, and no key after it.", window);
        Snapshot.Verify(result);
    }

    /// <summary>
    /// The generated files compile at the generator's minimum C# version and not one version below, so KG0020 fires
    /// exactly where they would fail. The spec uses every part of the generated code: a namespace, containing types,
    /// a window, sinks and a soft cap.
    /// </summary>
    [Fact]
    public void GeneratedFilesNeedExactlyTheMinimumLanguageVersion()
    {
        var minimum = (LanguageVersion)typeof(AttentionKernelGenerator).Assembly
            .GetType("KernelGen.Generator.Emitting.GeneratedFiles")!
            .GetField("MinimumLanguageVersion")!
            .GetRawConstantValue()!;
        var below = System.Enum.GetValues<LanguageVersion>().Where(version => version < minimum).Max();
        const string Source = """
            using KernelGen;
            namespace Models
            {
                public static partial class Model
                {
                    [AttentionKernel(HeadDim = 64, Causal = true, LogitSoftCap = 50, Sinks = true)]
                    [SlidingWindow(Left = 128, Inclusive = true)]
                    public static partial class LocalAttention { }
                }
            }
            """;

        var (result, output) = GeneratorRunner.Run(minimum, Source);
        Assert.NotEmpty(result.GeneratedTrees);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, Snapshot.FormatDiagnostics(problems));

        var older = output.RemoveAllSyntaxTrees().AddSyntaxTrees(
            output.SyntaxTrees.Select(tree => CSharpSyntaxTree.ParseText(tree.GetText(), new CSharpParseOptions(below), tree.FilePath)));
        Assert.Contains(older.GetDiagnostics(), d => d.Id == "CS8773" && d.Location.SourceTree!.FilePath.EndsWith(".g.cs", System.StringComparison.Ordinal));
    }

    private static void VerifyClean(string source, [System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        var (result, output) = GeneratorRunner.Run(source);
        Assert.NotEmpty(result.GeneratedTrees);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, Snapshot.FormatDiagnostics(problems));
        Snapshot.Verify(result, method: method);
    }
}
