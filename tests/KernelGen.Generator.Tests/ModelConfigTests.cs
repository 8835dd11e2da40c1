using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using KernelGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace KernelGen.Generator.Tests;

/// <summary>
/// <c>[FromModelConfig]</c> on the five configs shipped in samples/ModelShapes/configs: every layer type of each model is
/// derived, and its window is compared key by key with HF's own mask functions (masking_utils.py), written here as HF
/// writes them.
/// </summary>
public sealed class ModelConfigTests
{
    /// <summary>HF's <c>causal_mask_function</c>: <c>kv_idx &lt;= q_idx</c>.</summary>
    private static bool CausalMaskFunction(long q, long kv) => kv <= q;

    /// <summary>HF's <c>sliding_window_overlay(sliding_window)</c>: <c>kv_idx &gt; q_idx - sliding_window</c>.</summary>
    private static bool SlidingWindowOverlay(int slidingWindow, long q, long kv) => kv > q - slidingWindow;

    /// <summary>HF's <c>chunked_overlay(chunk_size, left_padding)</c> for a row without left padding: <c>kv_idx // chunk_size == q_idx // chunk_size</c>.</summary>
    private static bool ChunkedOverlay(int chunkSize, long q, long kv) => kv / chunkSize == q / chunkSize;

    public static TheoryData<string, int, string, int?, int?, int, double, double, bool> Layers => new()
    {
        // config, layer, HF layer type, sliding_window, attention_chunk_size, head_dim, scale, soft cap (0 = none), sinks
        { "mistral-7b-v0.1.json", 0, "sliding_attention", 4096, null, 128, 1 / Math.Sqrt(128), 0, false },
        { "mistral-7b-v0.1.json", 31, "sliding_attention", 4096, null, 128, 1 / Math.Sqrt(128), 0, false },
        { "gemma-2-9b.json", 0, "sliding_attention", 4096, null, 256, 1 / Math.Sqrt(256), 50, false },
        { "gemma-2-9b.json", 1, "full_attention", null, null, 256, 1 / Math.Sqrt(256), 50, false },
        { "gemma-2-9b.json", 41, "full_attention", null, null, 256, 1 / Math.Sqrt(256), 50, false },
        { "gemma-3-4b.json", 0, "sliding_attention", 1024, null, 256, 1 / Math.Sqrt(256), 0, false },
        { "gemma-3-4b.json", 5, "full_attention", null, null, 256, 1 / Math.Sqrt(256), 0, false },
        { "gemma-3-4b.json", 33, "sliding_attention", 1024, null, 256, 1 / Math.Sqrt(256), 0, false },
        { "gpt-oss-20b.json", 0, "sliding_attention", 128, null, 64, 1 / Math.Sqrt(64), 0, true },
        { "gpt-oss-20b.json", 1, "full_attention", null, null, 64, 1 / Math.Sqrt(64), 0, true },
        { "gpt-oss-20b.json", 23, "full_attention", null, null, 64, 1 / Math.Sqrt(64), 0, true },
        { "llama-4-scout-17b-16e.json", 3, "full_attention", null, null, 128, 1 / Math.Sqrt(128), 0, false },
        { "llama-4-scout-17b-16e.json", 47, "full_attention", null, null, 128, 1 / Math.Sqrt(128), 0, false },
        { "llama-4-scout-17b-16e.json", 0, "chunked_attention", null, 8192, 128, 1 / Math.Sqrt(128), 0, false },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void EveryLayerTypeIsTheWindowHuggingFaceMasks(string config, int layer, string layerType, int? slidingWindow, int? chunkSize, int headDim, double scale, double softCap, bool sinks)
    {
        var (result, output) = GeneratorRunner.Run(ShippedConfigs(), Spec(config, layer));
        Assert.Empty(result.Diagnostics);
        var kernel = output.GetTypeByMetadataName("Layer")!;
        Assert.Equal(headDim, Constant<int>(kernel, "HeadDim"));
        Assert.Equal((float)scale, Constant<float>(kernel, "SoftmaxScale"));
        Assert.Equal((float)softCap, kernel.GetMembers("LogitSoftCap").Length == 0 ? 0f : Constant<float>(kernel, "LogitSoftCap"));
        Assert.Equal(sinks, kernel.GetMembers("ForwardCpu").OfType<IMethodSymbol>().Any(method => method.Parameters.Any(p => p.Name == "sinkLogits")));
        Assert.Contains(layerType, GeneratedText(result, "Window"), StringComparison.Ordinal);

        var window = new AttentionWindow(
            Constant<bool>(kernel, "HasLeftBound") ? Constant<int>(kernel, "WindowLeft") : null,
            Constant<bool>(kernel, "HasRightBound") ? Constant<int>(kernel, "WindowRight") : null,
            Constant<WindowAlignment>(kernel, "Alignment"),
            kernel.GetMembers("ChunkSize").Length == 0 ? null : Constant<int>(kernel, "ChunkSize"));
        Assert.Equal(chunkSize, window.ChunkSize);

        // Prefill (square) and decode-like shapes (fewer queries than keys), with queries on both sides of the window's
        // edge: HF's mask functions take absolute positions, q_idx + kv_offset, so bottom-right.
        var width = slidingWindow ?? (chunkSize is int chunk ? chunk + 5 : 4096);
        foreach (var (seqQ, seqK) in new[] { (width + 3, width + 3), (1, 2 * width + 5), (7, width + 9) })
        {
            foreach (var query in new[] { 0, 1, seqQ / 2, seqQ - 2, seqQ - 1 }.Where(q => q >= 0 && q < seqQ).Distinct())
            {
                long absolute = query + (seqK - seqQ);
                for (var key = 0; key < seqK; key++)
                {
                    var huggingFace = CausalMaskFunction(absolute, key) && (slidingWindow is not int w || SlidingWindowOverlay(w, absolute, key))
                        && (chunkSize is not int size || ChunkedOverlay(size, absolute, key));
                    Assert.True(huggingFace == window.IsVisible(query, key, seqQ, seqK), $"{config} layer {layer}: query {query}, key {key} (SeqQ = {seqQ}, SeqK = {seqK})");
                }
            }
        }
    }

    /// <summary>
    /// Llama 4's RoPE layers are chunked (HF's <c>chunked_overlay</c>): read, with the chunk size from the config, and
    /// generated as chunked specs; a written [ChunkedAttention] of the same size agrees, another size does not.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(46)]
    public void LlamaFourRopeLayersAreChunked(int layer)
    {
        Assert.Empty(GeneratorRunner.AllDiagnostics(ShippedConfigs(), Spec("llama-4-scout-17b-16e.json", layer, string.Empty)));
        Assert.Empty(GeneratorRunner.AllDiagnostics(ShippedConfigs(), Spec("llama-4-scout-17b-16e.json", layer, "[ChunkedAttention(Size = 8192)]")));

        var disagreeing = GeneratorRunner.AllDiagnostics(ShippedConfigs(), Spec("llama-4-scout-17b-16e.json", layer, "[ChunkedAttention(Size = 4096)]"));
        Assert.Equal("KG0052", Assert.Single(disagreeing).Id);
    }

    [Fact]
    public void WrittenValuesThatAgreeWithTheConfigAreAccepted()
    {
        var diagnostics = GeneratorRunner.AllDiagnostics(ShippedConfigs(), """
            using KernelGen;
            [AttentionKernel(HeadDim = 64, Causal = true, Sinks = true, SoftmaxScale = 0.125, KeyTileSize = 64)]
            [FromModelConfig("configs/gpt-oss-20b.json", Layer = 0)]
            [SlidingWindow(Left = 128, Convention = Backend.HuggingFace)]
            [FlashAttentionWindow(WindowSizeLeft = 127, WindowSizeRight = 0)]
            public static partial class Layer;
            """);
        Assert.Empty(diagnostics);
    }

    /// <summary>Qwen2's sliding_window counts only with use_sliding_window, and then from layer max_window_layers on.</summary>
    [Theory]
    [InlineData(false, 3, "full_attention")]
    [InlineData(true, 1, "full_attention")]
    [InlineData(true, 2, "sliding_attention")]
    public void QwenTwoSlidesOnlyFromMaxWindowLayersWithUseSlidingWindow(bool useSlidingWindow, int layer, string layerType)
    {
        var config = $$"""
            { "model_type": "qwen2", "hidden_size": 1024, "num_attention_heads": 16, "num_key_value_heads": 4,
              "num_hidden_layers": 4, "sliding_window": 32, "use_sliding_window": {{(useSlidingWindow ? "true" : "false")}}, "max_window_layers": 2 }
            """;
        var (result, output) = GeneratorRunner.Run(new[] { new InMemoryAdditionalText("/p/qwen.json", config) }, Spec("qwen.json", layer));
        Assert.Empty(result.Diagnostics);
        Assert.Contains(layerType, GeneratedText(result, "Window"), StringComparison.Ordinal);
        var kernel = output.GetTypeByMetadataName("Layer")!;
        Assert.Equal(layerType == "sliding_attention" ? 31 : (int?)null, Constant<bool>(kernel, "HasLeftBound") ? Constant<int>(kernel, "WindowLeft") : null);
    }

    /// <summary>The reader is strict JSON: each of these stops it, and the message says where.</summary>
    [Theory]
    [InlineData("{\"model_type\": \"mistral\",}", "line 1, column 26")]
    [InlineData("{\"model_type\": 'mistral'}", "line 1, column 16")]
    [InlineData("{\"model_type\": \"mistral\"\n \"x\": 1}", "line 2, column 2")]
    [InlineData("{\"sliding_window\": NaN}", "line 1, column 20")]
    [InlineData("{\"sliding_window\": 01}", "line 1, column 21")]
    [InlineData("{\"sliding_window\": 1.}", "line 1, column 22")]
    [InlineData("{\"model_type\": \"mistral", "the text ends inside a string")]
    [InlineData("{\"a\": \"\\x\"}", "invalid escape")]
    [InlineData("", "line 1, column 1")]
    [InlineData("{} {}", "text after the end")]
    public void MalformedJsonIsReportedWithItsPosition(string json, string expected)
    {
        var diagnostics = GeneratorRunner.AllDiagnostics(new[] { new InMemoryAdditionalText("/p/config.json", json) }, Spec("config.json", 0));
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("KG0051", diagnostic.Id);
        Assert.Contains(expected, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    /// <summary>Escapes, exponents, nesting and a repeated name (the last wins, as in Python's json) all read as HF reads them.</summary>
    [Fact]
    public void WellFormedJsonReadsAsPythonReadsIt()
    {
        const string Config = """
            {"model_type": "mistr\u0061l", "sliding_window": 7, "hidden_size": 1.024e3, "head_dim": 64,
             "nested": {"list": [true, false, null, -0.5E-2, "\"\\\/\b\f\n\r\t"]}, "num_attention_heads": 16,
             "num_hidden_layers": 2, "sliding_window": 256}
            """;
        var (result, output) = GeneratorRunner.Run(new[] { new InMemoryAdditionalText("C:\\p\\config.json", Config) }, Spec("config.json", 1));
        Assert.Empty(result.Diagnostics);
        Assert.Equal(255, Constant<int>(output.GetTypeByMetadataName("Layer")!, "WindowLeft"));
    }

    internal static string Spec(string config, int layer, string extra = "") => $$"""
        using KernelGen;
        [AttentionKernel]
        [FromModelConfig("{{config}}", Layer = {{layer}})]
        {{extra}}
        public static partial class Layer;
        """;

    /// <summary>The five configs of samples/ModelShapes/configs, as that project gives them to the compiler.</summary>
    internal static IReadOnlyList<AdditionalText> ShippedConfigs([CallerFilePath] string here = "")
    {
        var folder = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "samples", "ModelShapes", "configs"));
        return Directory.GetFiles(folder, "*.json").OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => (AdditionalText)new InMemoryAdditionalText(path, File.ReadAllText(path)))
            .ToList();
    }

    private static string GeneratedText(GeneratorDriverRunResult result, string part) =>
        result.Results.Single().GeneratedSources.Single(source => source.HintName.EndsWith($".{part}.g.cs", StringComparison.Ordinal)).SourceText.ToString();

    private static T Constant<T>(INamedTypeSymbol type, string name)
    {
        var value = type.GetMembers(name).OfType<IFieldSymbol>().Single().ConstantValue!;
        return typeof(T).IsEnum ? (T)Enum.ToObject(typeof(T), value) : (T)value;
    }
}
