using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Backends.Tests;

/// <summary>
/// Runs ONNX Runtime's real <c>GroupQueryAttention</c> with <c>sliding_window_cache = 1</c> and checks what its schema
/// documents: which keys stay resident after each step (in order from row 0, evicted <c>C - W + 1</c> at a time), and
/// that the output is still full-history attention over the window KernelGen reads <c>local_window_size</c> as.
/// </summary>
public sealed class OnnxRuntimeSlidingWindowCacheTests
{
    private const int HeadDim = 8;
    private const int Heads = 4;
    private const int KvHeads = 2;

    private readonly ITestOutputHelper _log;

    public OnnxRuntimeSlidingWindowCacheTests(ITestOutputHelper log) => _log = log;

    [Theory]
    [InlineData(4, 6, 0, 20)]  // the trace in ONNX Runtime's docs: blocks of G = 3 evicted at T = 7 and T = 10
    [InlineData(4, 4, 0, 12)]  // C = W: G = 1, every step past the window compacts
    [InlineData(4, 8, 5, 6)]   // prefill chunks of 5 with C = W + 5 - 1: no staging
    [InlineData(4, 6, 5, 6)]   // chunks that do not fit the slack: staged
    [InlineData(3, 5, 9, 4)]   // a chunk longer than the whole buffer
    public void KeepsTheDocumentedKeysAndStillAttendsTheWholeWindow(int windowKeys, int capacity, int chunk, int decodeSteps)
    {
        var random = new Random((windowKeys * 100) + (capacity * 10) + chunk);
        float[] Fill(int length) => Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var steps = (chunk > 0 ? Enumerable.Repeat(chunk, 3) : Enumerable.Empty<int>()).Concat(Enumerable.Repeat(1, decodeSteps)).ToList();
        var window = AttentionWindow.FromOnnxRuntime(new OnnxRuntimeWindow(windowKeys));
        var keys = new List<float>();
        var values = new List<float>();
        using var attention = new OnnxRuntimeWindowedAttention(windowKeys, capacity, Heads, KvHeads, HeadDim, threads: 1);
        using var cache = new OnnxRuntimeWindowedCache(attention);
        var trace = new List<string>();
        foreach (var tokens in steps)
        {
            var (q, k, v) = (Fill(tokens * Heads * HeadDim), Fill(tokens * KvHeads * HeadDim), Fill(tokens * KvHeads * HeadDim));
            keys.AddRange(k);
            values.AddRange(v);
            var output = new float[q.Length];
            cache.Step(q, k, v, output, tokens);

            var length = (int)cache.Length;
            var resident = cache.RowOf(KeyOf(keys, length - 1, 0), 0) + 1;
            trace.Add($"T {length}: L {resident}");
            Assert.Equal(OnnxRuntimeWindowedCache.DocumentedResidentKeys(length, capacity, windowKeys), resident);
            for (var kvHead = 0; kvHead < KvHeads; kvHead++)
            {
                for (var row = 0; row < resident; row++)
                {
                    Assert.True(cache.KeyRow(kvHead, row).SequenceEqual(KeyOf(keys, length - resident + row, kvHead)), $"T {length}: row {row} of KV head {kvHead} is not position {length - resident + row}");
                }
            }

            var shape = new AttentionShape(1, tokens, length, Heads, KvHeads);
            var expected = ReferenceAttention.Compute(q, keys.ToArray(), values.ToArray(), shape, HeadDim, window, new ReferenceAttention.Options(1 / Math.Sqrt(HeadDim)));
            var error = ErrorReport.Compare(output, expected.Output).MaxAbsolute;
            Assert.True(error < 1e-5, $"T {length}: ONNX Runtime differs from full-history attention over {window} by {error}");
        }

        _log.WriteLine($"ONNX Runtime {OrtEnv.Instance().GetVersionString()}, W {windowKeys}, C {capacity}, steps of {string.Join(",", steps)}: {string.Join("; ", trace)}");
    }

    [Fact]
    public void RefusesABufferShorterThanTheWindow()
    {
        using var attention = new OnnxRuntimeWindowedAttention(windowKeys: 6, capacity: 5, Heads, KvHeads, HeadDim, threads: 1);
        using var cache = new OnnxRuntimeWindowedCache(attention);
        var token = new float[KvHeads * HeadDim];
        var error = Assert.Throws<OnnxRuntimeException>(() => cache.Step(new float[Heads * HeadDim], token, token, new float[Heads * HeadDim], 1));
        _log.WriteLine(error.Message);
        Assert.Contains("must be at least local_window_size", error.Message);
    }

    private static float[] KeyOf(List<float> keys, int position, int kvHead) =>
        keys.GetRange(((position * KvHeads) + kvHead) * HeadDim, HeadDim).ToArray();
}
