using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using KernelGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace KernelGen.Generator.Tests;

/// <summary>One test per diagnostic: the ID fires where expected, and the full message is snapshot-tested.</summary>
public sealed class DiagnosticTests
{
    [Fact]
    public void KG0001_AmbiguousBounds() => Expect("KG0001", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 128)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0002_InclusiveAndConventionBothGiven() => Expect("KG0002", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 4096, Right = 0, Inclusive = true, Convention = Backend.CuDnn, Alignment = WindowAlignment.BottomRight)]
        public static partial class Kernel;
        """);

    /// <summary>A number no backend uses as its sentinel gets no "keep it under its Convention" advice.</summary>
    [Fact]
    public void KG0003_MinimumIntBound() => Expect("KG0003", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = int.MinValue, Right = 0, Inclusive = false)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0003_NegativeBoundWithoutConvention() => Expect("KG0003", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = -1, Right = 0, Inclusive = true)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0003_SentinelOfAnotherBackend() => Expect("KG0003", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = -1, Right = 0, Convention = Backend.CuDnn, Alignment = WindowAlignment.BottomRight)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0003_FlashAttention4NegativeIsAnOffset() => Expect("KG0003", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = -1, Right = 0, Convention = Backend.FlashAttention4)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0004_LeftBoundOverflowsCuDnn() => Expect("KG0004", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = int.MaxValue, Right = 0, Inclusive = true)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0005_WindowHidesEveryKey() => Expect("KG0005", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 0, Right = 0, Inclusive = false)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0006_WindowHidesOwnKey() => Expect("KG0006", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 8, Right = 0, Inclusive = false)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0007_CausalWithRightBound() => Expect("KG0007", """
        [AttentionKernel(HeadDim = 64, Causal = true)]
        [SlidingWindow(Left = 8, Right = 2, Inclusive = true)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0008_RightBoundOmitted() => Expect("KG0008", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 4095, Inclusive = true)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0019_LeftBoundOmitted() => Expect("KG0019", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Right = 8, Inclusive = true)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0030_CacheWithRightBound() => Expect("KG0030", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 128, Right = 128, Inclusive = true)]
        [KvCache(MaxChunk = 16)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0030_CacheWithTopLeftWindow() => Expect("KG0030", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 128, Right = 0, Inclusive = true, Alignment = WindowAlignment.TopLeft)]
        [KvCache(MaxChunk = 16)]
        public static partial class Kernel;
        """);

    /// <summary>The example: 4606 pinned where Left + MaxChunk = 4095 + 512 = 4607.</summary>
    [Fact]
    public void KG0031_PinnedCapacityOneKeyShort() => Expect("KG0031", """
        [AttentionKernel(HeadDim = 128)]
        [SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
        [KvCache(MaxChunk = 512, Capacity = 4606)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0031_PinnedCapacityOnAGrowingCache() => Expect("KG0031", """
        [AttentionKernel(HeadDim = 64, Causal = true)]
        [KvCache(MaxChunk = 1, Capacity = 8192)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0032_PinnedCapacityLargerThanNeeded() => Expect("KG0032", """
        [AttentionKernel(HeadDim = 128)]
        [SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
        [KvCache(MaxChunk = 512, Capacity = 5120)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0015_CacheWithoutMaxChunk() => Expect("KG0015", """
        [AttentionKernel(HeadDim = 64, Causal = true)]
        [KvCache]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0009_SlidingWindowWithoutKernel() => Expect("KG0009", """
        [SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0009_ChunkedAttentionAndCacheWithoutKernel() => Expect("KG0009", """
        [ChunkedAttention(Size = 8192)]
        [KvCache(MaxChunk = 1)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0010_NotPartial() => Expect("KG0010", """
        [AttentionKernel(HeadDim = 64)]
        public static class Kernel { }
        """);

    [Fact]
    public void KG0010_Record() => Expect("KG0010", """
        [AttentionKernel(HeadDim = 64)]
        public partial record Kernel;
        """);

    [Fact]
    public void KG0010_Generic() => Expect("KG0010", """
        [AttentionKernel(HeadDim = 64)]
        public partial class Kernel<T>;
        """);

    [Fact]
    public void KG0010_NamedLikeTheWindowMember() => Expect("KG0010", """
        [AttentionKernel(HeadDim = 64)]
        public static partial class Window;
        """);

    /// <summary>A type nested in a generic type is not generic itself: one KG0011 on the container, no KG0010.</summary>
    [Fact]
    public void KG0011_NestedInAGenericType() => Expect("KG0011", """
        public partial class Outer<T>
        {
            [AttentionKernel(HeadDim = 64)]
            public static partial class Kernel;
        }
        """);

    [Fact]
    public void KG0011_ContainingTypeNotPartial() => Expect("KG0011", """
        public class Outer
        {
            [AttentionKernel(HeadDim = 64)]
            public static partial class Kernel;
        }
        """);

    [Fact]
    public void KG0012_UnsupportedHeadDim() => Expect("KG0012", """
        [AttentionKernel(HeadDim = 80 + 1)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0012_MissingHeadDim() => Expect("KG0012", """
        [AttentionKernel(Causal = true)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0013_TilesExceedSharedMemory() => Expect("KG0013", """
        [AttentionKernel(HeadDim = 128, QueryTileSize = 64, KeyTileSize = 64)]
        public static partial class Kernel;
        """);

    // 515 rows do not block (one row per thread block) and a head of 16 has two dimension blocks: 1030 threads,
    // while the shared memory still fits.
    [Fact]
    public void KG0013_TilesExceedThreads() => Expect("KG0013", """
        [AttentionKernel(HeadDim = 16, QueryTileSize = 515, KeyTileSize = 1)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0014_CuDnnNeedsAlignment() => Expect("KG0014", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 4096, Right = 0, Convention = Backend.CuDnn)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0015_UndefinedEnumValue() => Expect("KG0015", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 4, Right = 0, Convention = (Backend)42)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0015_UndefinedElementType() => Expect("KG0015", """
        [AttentionKernel(HeadDim = 64, Element = (AttentionElement)3)]
        [SlidingWindow(Left = 4, Right = 0, Inclusive = true)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0015_NonPositiveSoftCap() => Expect("KG0015", """
        [AttentionKernel(HeadDim = 64, LogitSoftCap = -50)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0016_TransformerEngineBugCuDnnPinOneKeyShort() => Expect("KG0016", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
        [CuDnnWindow(DiagonalBandLeftBound = 4095, DiagonalBandRightBound = 0, DiagonalAlignment = WindowAlignment.BottomRight)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0016_CuDnnPinWithoutAlignmentIsTopLeft() => Expect("KG0016", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
        [CuDnnWindow(DiagonalBandLeftBound = 4096, DiagonalBandRightBound = 0)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0016_HuggingFacePinOneKeyTooMany() => Expect("KG0016", """
        [AttentionKernel(HeadDim = 64, Causal = true)]
        [SlidingWindow(Left = 4096, Convention = Backend.HuggingFace)]
        [HuggingFaceWindow(SlidingWindow = 4097)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0017_TargetCannotExpressWindow() => Expect("KG0017", """
        [AttentionKernel(HeadDim = 64, Targets = new[] { Backend.OnnxRuntime, Backend.CuDnn })]
        [SlidingWindow(Left = 2, Right = 2, Inclusive = true)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0017_PinnedBackendCannotExpressWindow() => Expect("KG0017", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 2, Right = 0, Inclusive = true, Alignment = WindowAlignment.TopLeft)]
        [FlashAttentionWindow(WindowSizeLeft = 2, WindowSizeRight = 0)]
        public static partial class Kernel;
        """);

    /// <summary>llama.cpp's swa_type defaults to none, as in llama_hparams: n_swa alone is no window.</summary>
    [Fact]
    public void KG0016_LlamaCppPinWithoutSwaTypeHasNoWindow() => Expect("KG0016", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
        [LlamaCppWindow(NSwa = 4096)]
        public static partial class Kernel;
        """);

    /// <summary>ONNX Attention-25 aligns top-left without a cache: a decoder's numbers without HasCache are another window.</summary>
    [Fact]
    public void KG0016_OnnxAttentionPinWithoutCacheIsTopLeft() => Expect("KG0016", """
        [AttentionKernel(HeadDim = 64, Causal = true)]
        [SlidingWindow(Left = 4095, Inclusive = true)]
        [OnnxAttentionWindow(LeftWindowSize = 4095, IsCausal = true)]
        public static partial class Kernel;
        """);

    /// <summary>Microsoft.ML.GenAI's slidingWindow shows one key more than HF's: copying config.sliding_window is KG0016.</summary>
    [Fact]
    public void KG0016_MicrosoftMLGenAIPinWithHuggingFacesNumber() => Expect("KG0016", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 4096, Right = 0, Convention = Backend.HuggingFace)]
        [MicrosoftMLGenAIWindow(SlidingWindow = 4096)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0040_LlamaCppNonCausalChunkedPin() => Expect("KG0040", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 8191, Right = 0, Inclusive = true)]
        [LlamaCppWindow(NSwa = 8192, SwaType = LlamaSwaType.Chunked, CausalAttn = false)]
        public static partial class Kernel;
        """);

    /// <summary>llama.cpp's causal chunked swa_type is chunked attention now: pinned next to a plain window it is another window.</summary>
    [Fact]
    public void KG0016_LlamaCppChunkedPinOnAPlainWindow() => Expect("KG0016", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 8191, Right = 0, Inclusive = true)]
        [LlamaCppWindow(NSwa = 8192, SwaType = LlamaSwaType.Chunked)]
        public static partial class Kernel;
        """);

    [Fact]
    public void LlamaCppChunkedPinOnAChunkedSpecIsQuiet()
    {
        var diagnostics = GeneratorRunner.AllDiagnostics("""
            using KernelGen;
            [AttentionKernel(HeadDim = 64, Causal = true)]
            [ChunkedAttention(Size = 8192)]
            [LlamaCppWindow(NSwa = 8192, SwaType = LlamaSwaType.Chunked)]
            public static partial class Kernel;
            """);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void MatchingPinsAndTargetsAreQuiet()
    {
        var diagnostics = GeneratorRunner.AllDiagnostics("""
            using KernelGen;
            [AttentionKernel(HeadDim = 64, Targets = new[] { Backend.FlashAttention2, Backend.FlexAttention })]
            [SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
            [CuDnnWindow(DiagonalBandLeftBound = 4096, DiagonalBandRightBound = 0, DiagonalAlignment = WindowAlignment.BottomRight)]
            [FlashAttentionWindow(WindowSizeLeft = 4095, WindowSizeRight = 0)]
            [FlashAttention4Window(WindowSizeLeft = 4095, WindowSizeRight = 0)]
            [TransformerEngineWindow(WindowSizeLeft = 4095, WindowSizeRight = 0, AttnMaskType = TransformerEngineMaskType.CausalBottomRight)]
            [FlexAttentionWindow(WindowLeft = 4095, WindowRight = 0, Alignment = WindowAlignment.BottomRight)]
            [HuggingFaceWindow(SlidingWindow = 4096)]
            [FlashInferWindow(WindowLeft = 4095, WindowRight = 0)]
            [OnnxRuntimeWindow(LocalWindowSize = 4096)]
            [XFormersWindow(WindowLeft = 4095, WindowRight = 0)]
            [LlamaCppWindow(NSwa = 4096, SwaType = LlamaSwaType.Standard)]
            [OnnxAttentionWindow(LeftWindowSize = 4095, IsCausal = true, HasCache = true)]
            [VllmWindow(SlidingWindow = 4096)]
            [MicrosoftMLGenAIWindow(SlidingWindow = 4095)]
            public static partial class MistralAttention;
            """);
        Assert.Empty(diagnostics);
    }

    [Theory]
    [InlineData("Window")]
    [InlineData("Forward")]
    [InlineData("CuDnn")]
    public void KG0010_NamedLikeAGeneratedMember(string name)
    {
        var diagnostics = GeneratorRunner.AllDiagnostics($"using KernelGen;\n[AttentionKernel(HeadDim = 64)] public static partial class {name};");
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("KG0010", diagnostic.Id);
    }

    [Fact]
    public void PragmaDisableSuppressesKernelGenWarnings()
    {
        const string Source = """
            using KernelGen;
            #pragma warning disable KG0008
            [AttentionKernel(HeadDim = 64)]
            [SlidingWindow(Left = 4095, Inclusive = true)]
            public static partial class Kernel;
            #pragma warning restore KG0008
            """;

        // The driver's filtered diagnostics are what the compiler reports: they apply #pragma.
        var compilation = GeneratorRunner.Compile(Source);
        GeneratorRunner.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out _, out var reported);
        Assert.DoesNotContain(reported, d => d.Id == "KG0008" && !d.IsSuppressed);

        // Without the pragma the same warning is reported.
        var unsuppressed = GeneratorRunner.Compile(Source.Replace("#pragma warning disable KG0008", string.Empty));
        GeneratorRunner.CreateDriver().RunGeneratorsAndUpdateCompilation(unsuppressed, out _, out var plain);
        Assert.Contains(plain, d => d.Id == "KG0008" && !d.IsSuppressed);
    }

    /// <summary>A misspelt convention is the compiler's error (CS0117); KernelGen reports nothing more about the window.</summary>
    [Fact]
    public void KG0041_ChunkSizeNotPositive() => Expect("KG0041", """
        [AttentionKernel(HeadDim = 64, Causal = true)]
        [ChunkedAttention(Size = 0)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0042_ChunksHideEveryKey() => Expect("KG0042", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 3, Right = 0, Inclusive = false)]
        [ChunkedAttention(Size = 1)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0043_SinkTokensNegative() => Expect("KG0043", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 1019, Right = 0, Inclusive = true, SinkTokens = -4)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0044_SinkTokensWithoutLeftBound() => Expect("KG0044", """
        [AttentionKernel(HeadDim = 64, Causal = true)]
        [SlidingWindow(Right = 0, Inclusive = true, SinkTokens = 4)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0045_SinkTokensWithChunks() => Expect("KG0045", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 1019, Right = 0, Inclusive = true, SinkTokens = 4)]
        [ChunkedAttention(Size = 8192)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0017_SinkTokensForABackendWithout() => Expect("KG0017", """
        [AttentionKernel(HeadDim = 64, Targets = new[] { Backend.FlashAttention2 })]
        [SlidingWindow(Left = 1019, Right = 0, Inclusive = true, SinkTokens = 4)]
        public static partial class Kernel;
        """);

    [Fact]
    public void MistypedConventionAddsNoKernelGenDiagnostic()
    {
        var diagnostics = GeneratorRunner.AllDiagnostics("""
            using KernelGen;
            [AttentionKernel(HeadDim = 64)]
            [SlidingWindow(Left = 128, Right = 0, Convention = Backend.FlashAttention)]
            public static partial class Kernel;
            """);
        Assert.Contains(diagnostics, d => d.Id == "CS0117");
        Snapshot.VerifyText(Snapshot.FormatDiagnostics(diagnostics.Where(d => d.Id.StartsWith("KG"))), ".txt");
        Assert.DoesNotContain(diagnostics, d => d.Id.StartsWith("KG"));
    }

    /// <summary>Below C# 10 every generated file would fail with CS8773; one KG0020 on the kernel says what to change instead.</summary>
    [Fact]
    public void KG0020_LanguageVersionBelowTheGeneratedCode()
    {
        var diagnostics = Expect("KG0020", """
            [AttentionKernel(HeadDim = 64)]
            [SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
            public static partial class Kernel { }
            """, LanguageVersion.CSharp9);
        Assert.Equal(new[] { "KG0020" }, diagnostics.Select(d => d.Id));
    }

    /// <summary>Members named like generated ones get one KG0021 each, at the user's member.</summary>
    [Fact]
    public void KG0021_MembersNamedLikeGeneratedOnes() => Expect("KG0021", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
        public static partial class Kernel
        {
            public const int HeadDim = 64;
            public static AttentionWindow Window => default;
            public static class CuDnn { }
        }
        """);

    /// <summary>A method with a generated method's parameters clashes (CS0111); an overload with other parameters does not.</summary>
    [Fact]
    public void KG0021_MethodWithTheGeneratedParameters() => Expect("KG0021", """
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
        public static partial class Kernel
        {
            public static void ForwardCpu(System.ReadOnlySpan<float> q, System.ReadOnlySpan<float> k, System.ReadOnlySpan<float> v, System.Span<float> output, AttentionShape shape, CpuAttentionOptions? options) { }
            public static void ForwardCpu(float[] q, float[] k, float[] v, float[] output, AttentionShape shape) { }
        }
        """);

    [Fact]
    public void OverloadsAndGenericNamesakesOfGeneratedMembersAreQuiet()
    {
        var diagnostics = GeneratorRunner.AllDiagnostics("""
            using KernelGen;
            [AttentionKernel(HeadDim = 64)]
            [SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
            public static partial class Kernel
            {
                public static void Forward(float[] q, float[] k, float[] v, float[] output, AttentionShape shape) => ForwardCpu(q, k, v, output, shape);
                public static class CuDnn<T> { }
            }
            """);
        Assert.Empty(diagnostics);
    }

    /// <summary>
    /// Every member the generator writes into a kernel class, read from its output rather than from a list: a user member
    /// of that name gets KG0021 and nothing is generated, so no generated file fails with CS0102.
    /// </summary>
    [Fact]
    public void EveryGeneratedMemberNameIsReportedWhenTaken()
    {
        const string Spec = """
            using KernelGen;
            [AttentionKernel(HeadDim = 64, Sinks = true, LogitSoftCap = 50)]
            [SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
            public static partial class Kernel
            """;
        var (_, output) = GeneratorRunner.Run(Spec + ";");
        var generatedNames = output.GetTypeByMetadataName("Kernel")!.GetMembers()
            .Where(member => member.CanBeReferencedByName)
            .Select(member => member.Name)
            .Distinct()
            .OrderBy(name => name, System.StringComparer.Ordinal)
            .ToList();
        Assert.Contains("Forward", generatedNames);

        var taken = string.Concat(generatedNames.Select(name => $"    public static int {name} => 0;\n"));
        var diagnostics = GeneratorRunner.AllDiagnostics(Spec + "\n{\n" + taken + "}");
        Assert.All(diagnostics, d => Assert.Equal("KG0021", d.Id));
        var reported = diagnostics.Select(d => d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan)).OrderBy(name => name, System.StringComparer.Ordinal);
        Assert.Equal(generatedNames, reported);
    }

    [Fact]
    public void KG0015_ModelConfigLayerNotGiven() => ExpectWithConfigs("KG0015", ModelConfigTests.ShippedConfigs(), """
        [AttentionKernel]
        [FromModelConfig("configs/gpt-oss-20b.json")]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0050_ModelConfigNotInAdditionalFiles() => ExpectWithConfigs("KG0050", ModelConfigTests.ShippedConfigs(), """
        [AttentionKernel]
        [FromModelConfig("config.json", Layer = 0)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0050_ModelConfigMatchesTwoFiles() => ExpectWithConfigs("KG0050", new[] { Config("/a/config.json", "{}"), Config("/b/config.json", "{}") }, """
        [AttentionKernel]
        [FromModelConfig("config.json", Layer = 0)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0051_ModelConfigIsNotJson() => ExpectWithConfigs("KG0051", new[] { Config("/p/config.json", "{\"model_type\": \"mistral\",\n \"sliding_window\": 4096,\n}") }, """
        [AttentionKernel]
        [FromModelConfig("config.json", Layer = 0)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0051_LayerBeyondTheModel() => ExpectWithConfigs("KG0051", ModelConfigTests.ShippedConfigs(), """
        [AttentionKernel]
        [FromModelConfig("configs/mistral-7b-v0.1.json", Layer = 32)]
        public static partial class Kernel;
        """);

    /// <summary>The off-by-one, next to the config: Left = 4096 inclusive shows 4097 keys where HF's sliding_window = 4096 shows 4096.</summary>
    [Fact]
    public void KG0052_WrongWindowNextToModelConfig() => ExpectWithConfigs("KG0052", ModelConfigTests.ShippedConfigs(), """
        [AttentionKernel]
        [FromModelConfig("configs/mistral-7b-v0.1.json", Layer = 0)]
        [SlidingWindow(Left = 4096, Right = 0, Inclusive = true)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0052_WindowOnAFullLayer() => ExpectWithConfigs("KG0052", ModelConfigTests.ShippedConfigs(), """
        [AttentionKernel]
        [FromModelConfig("configs/gemma-2-9b.json", Layer = 1)]
        [SlidingWindow(Left = 4096, Convention = Backend.HuggingFace)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0052_ChunkSizeDisagreesWithModelConfig() => ExpectWithConfigs("KG0052", ModelConfigTests.ShippedConfigs(), """
        [AttentionKernel]
        [FromModelConfig("configs/llama-4-scout-17b-16e.json", Layer = 0)]
        [ChunkedAttention(Size = 4096)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0053_WrittenArgumentsDisagreeWithModelConfig() => ExpectWithConfigs("KG0053", ModelConfigTests.ShippedConfigs(), """
        [AttentionKernel(HeadDim = 128, Sinks = false, SoftmaxScale = 0.0625, LogitSoftCap = 30)]
        [FromModelConfig("configs/gpt-oss-20b.json", Layer = 1)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0054_ModelTypeKernelGenDoesNotKnow() => ExpectWithConfigs("KG0054", new[] { Config("/p/config.json", "{\"model_type\": \"cohere2\", \"sliding_window\": 4096}") }, """
        [AttentionKernel]
        [FromModelConfig("config.json", Layer = 0)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0054_LayerTypeKernelGenDoesNotKnow() => ExpectWithConfigs("KG0054", new[] { Config("/p/config.json", """
        {"model_type": "gpt_oss", "head_dim": 64, "num_attention_heads": 8, "num_hidden_layers": 2,
         "layer_types": ["compressed_sparse_attention", "full_attention"], "sliding_window": 128}
        """) }, """
        [AttentionKernel]
        [FromModelConfig("config.json", Layer = 0)]
        public static partial class Kernel;
        """);

    /// <summary>Gemma 3's absent head_dim is 256 in HF, not hidden_size / num_attention_heads (320 here): never derived from them.</summary>
    [Fact]
    public void KG0055_GemmaThreeWithoutHeadDim() => ExpectWithConfigs("KG0055", new[] { Config("/p/config.json", """
        {"model_type": "gemma3", "text_config": {"model_type": "gemma3_text", "hidden_size": 2560, "num_attention_heads": 8,
         "num_hidden_layers": 34, "query_pre_attn_scalar": 256, "sliding_window": 1024}}
        """) }, """
        [AttentionKernel]
        [FromModelConfig("config.json", Layer = 0)]
        public static partial class Kernel;
        """);

    [Fact]
    public void KG0056_BidirectionalGemmaThree() => ExpectWithConfigs("KG0056", new[] { Config("/p/config.json", """
        {"model_type": "gemma3_text", "head_dim": 256, "num_attention_heads": 3, "num_hidden_layers": 24,
         "query_pre_attn_scalar": 256, "sliding_window": 257, "use_bidirectional_attention": true}
        """) }, """
        [AttentionKernel]
        [FromModelConfig("config.json", Layer = 0)]
        public static partial class Kernel;
        """);

    private static AdditionalText Config(string path, string text) => new InMemoryAdditionalText(path, text);

    private static IReadOnlyList<Diagnostic> Expect(
        string id, string body, LanguageVersion version = LanguageVersion.Latest, [CallerMemberName] string method = "") =>
        Check(id, GeneratorRunner.AllDiagnostics(version, "using KernelGen;\n" + body), method);

    /// <summary>Expects <paramref name="id"/> with <paramref name="configs"/> as the project's AdditionalFiles.</summary>
    private static IReadOnlyList<Diagnostic> ExpectWithConfigs(
        string id, IEnumerable<AdditionalText> configs, string body, [CallerMemberName] string method = "") =>
        Check(id, GeneratorRunner.AllDiagnostics(configs, "using KernelGen;\n" + body), method);

    private static IReadOnlyList<Diagnostic> Check(string id, IReadOnlyList<Diagnostic> diagnostics, string method)
    {
        Assert.Contains(diagnostics, d => d.Id == id);
        Assert.DoesNotContain(diagnostics, d => d.Id == "CS8785");
        Assert.DoesNotContain(diagnostics, d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", System.StringComparison.Ordinal) == true);
        Snapshot.VerifyText(Snapshot.FormatDiagnostics(diagnostics.Where(d => d.Id.StartsWith("KG"))), ".txt", method: method);
        return diagnostics;
    }
}
