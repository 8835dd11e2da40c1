using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Backends.Tests;

/// <summary>
/// Runs ONNX Runtime's real <c>com.microsoft.GroupQueryAttention</c> CPU kernel with a key/value cache (so the
/// alignment shows) and checks that <c>local_window_size = W</c> means exactly KernelGen's reading,
/// <see cref="AttentionWindow.FromOnnxRuntime"/>: W keys, the query's own included, bottom-right. (The source this
/// row was first read from kept W + 1 keys: running the real kernel is what settled it.)
/// </summary>
public sealed class OnnxRuntimeGroupQueryAttentionTests
{
    private const int HeadDim = 8;
    private const int Heads = 2;
    private const int KvHeads = 1;
    private const int Past = 7;
    private const int New = 4;
    private const int Total = Past + New;

    private readonly ITestOutputHelper _log;

    public OnnxRuntimeGroupQueryAttentionTests(ITestOutputHelper log) => _log = log;

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(20)]
    public void LocalWindowSizeMeansKernelGensReading(int localWindowSize)
    {
        var random = new Random(localWindowSize + 10);
        float[] Fill(int length) => Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var query = Fill(New * Heads * HeadDim);
        var keys = Fill(Total * KvHeads * HeadDim);
        var values = Fill(Total * KvHeads * HeadDim);

        var actual = RunGroupQueryAttention(localWindowSize, query, keys, values);
        var shape = new AttentionShape(1, New, Total, Heads, KvHeads);
        var options = new ReferenceAttention.Options(1 / Math.Sqrt(HeadDim));
        double ErrorAgainst(AttentionWindow window) =>
            ErrorReport.Compare(actual, ReferenceAttention.Compute(query, keys, values, shape, HeadDim, window, options).Output).MaxAbsolute;

        var ours = AttentionWindow.FromOnnxRuntime(new OnnxRuntimeWindow(localWindowSize));
        var error = ErrorAgainst(ours);
        _log.WriteLine($"ONNX Runtime {OrtEnv.Instance().GetVersionString()} CPU, local_window_size = {localWindowSize}: KernelGen reads {ours}; max abs error {error:E2}");
        Assert.True(error < 1e-5, $"ONNX Runtime differs from {ours} by {error}");

        // One key more or less, or the other alignment, would be visibly different wherever the window cuts keys.
        if (ours.Left is int left && left is >= 0 and < Past)
        {
            Assert.True(ErrorAgainst(AttentionWindow.Causal(left + 1)) > 1e-3);
            Assert.True(ErrorAgainst(new AttentionWindow(left, 0, WindowAlignment.TopLeft)) > 1e-3);
            if (left > 0)
            {
                Assert.True(ErrorAgainst(AttentionWindow.Causal(left - 1)) > 1e-3);
            }
        }
    }

#if !ONNX_RUNTIME_VERSION_OVERRIDE
    [Fact]
    public void RunsTheVersionTheConventionTableNames() =>
        Assert.Equal("1.31.1", OrtEnv.Instance().GetVersionString());
#endif

    /// <summary>Runs GQA on <c>New</c> queries after a cache of <c>Past</c> keys; returns <c>[1, New, Heads, HeadDim]</c>.</summary>
    private static float[] RunGroupQueryAttention(int localWindowSize, float[] query, float[] keys, float[] values)
    {
        var inputs = new List<OnnxModelWriter.Value>
        {
            new("query", OnnxModelWriter.Float, 1, New, Heads * HeadDim),
            new("key", OnnxModelWriter.Float, 1, New, KvHeads * HeadDim),
            new("value", OnnxModelWriter.Float, 1, New, KvHeads * HeadDim),
            new("past_key", OnnxModelWriter.Float, 1, KvHeads, Past, HeadDim),
            new("past_value", OnnxModelWriter.Float, 1, KvHeads, Past, HeadDim),
            new("seqlens_k", OnnxModelWriter.Int32, 1),
            new("total_sequence_length", OnnxModelWriter.Int32),
        };
        var outputs = new List<OnnxModelWriter.Value>
        {
            new("output", OnnxModelWriter.Float, 1, New, Heads * HeadDim),
            new("present_key", OnnxModelWriter.Float, 1, KvHeads, Total, HeadDim),
            new("present_value", OnnxModelWriter.Float, 1, KvHeads, Total, HeadDim),
        };
        var model = OnnxModelWriter.SingleNode("GroupQueryAttention", "com.microsoft", inputs, outputs, new Dictionary<string, long>
        {
            ["num_heads"] = Heads,
            ["kv_num_heads"] = KvHeads,
            ["local_window_size"] = localWindowSize,
        });

        // KernelGen's layout is [batch, seq, heads, dim]; the cache is [batch, kvHeads, seq, dim] (one kv head here).
        var newKeys = keys.Skip(Past * HeadDim).ToArray();
        var newValues = values.Skip(Past * HeadDim).ToArray();
        using var session = new InferenceSession(model);
        using var results = session.Run(new[]
        {
            NamedOnnxValue.CreateFromTensor("query", new DenseTensor<float>(query, new[] { 1, New, Heads * HeadDim })),
            NamedOnnxValue.CreateFromTensor("key", new DenseTensor<float>(newKeys, new[] { 1, New, KvHeads * HeadDim })),
            NamedOnnxValue.CreateFromTensor("value", new DenseTensor<float>(newValues, new[] { 1, New, KvHeads * HeadDim })),
            NamedOnnxValue.CreateFromTensor("past_key", new DenseTensor<float>(keys.Take(Past * HeadDim).ToArray(), new[] { 1, KvHeads, Past, HeadDim })),
            NamedOnnxValue.CreateFromTensor("past_value", new DenseTensor<float>(values.Take(Past * HeadDim).ToArray(), new[] { 1, KvHeads, Past, HeadDim })),
            NamedOnnxValue.CreateFromTensor("seqlens_k", new DenseTensor<int>(new[] { Total - 1 }, new[] { 1 })),
            NamedOnnxValue.CreateFromTensor("total_sequence_length", new DenseTensor<int>(new[] { Total }, Array.Empty<int>())),
        });
        return results.Single(r => r.Name == "output").AsEnumerable<float>().ToArray();
    }
}
