using System;
using System.Collections.Generic;
using System.Linq;
using KernelGen.Backends.Tests;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace KernelGen.Bench;

/// <summary>
/// The peer: ONNX Runtime's CPU <c>com.microsoft.GroupQueryAttention</c> on the same inputs: the last SeqQ keys are
/// the new tokens and the ones before them its cache (empty for prefill), <c>local_window_size = W</c> (W keys, the query's own included: KernelGen's <c>Left = W - 1</c>), on a
/// fixed number of intra-op threads. Its CPU kernel computes the whole causal score matrix, so it allocates
/// <c>heads · S²</c> floats.
/// </summary>
internal sealed class OnnxRuntimeGroupQueryAttention : IDisposable
{
    private readonly InferenceSession _session;
    private readonly List<NamedOnnxValue> _inputs;
    private readonly string _outputName = "output";

    public OnnxRuntimeGroupQueryAttention(int windowKeys, int headDim, AttentionShape shape, float[] q, float[] k, float[] v, int threads)
    {
        if (shape.Batch != 1 || shape.SeqQ > shape.SeqK)
        {
            throw new ArgumentException("The peer runs batch 1 with SeqQ <= SeqK (new tokens after a cache).", nameof(shape));
        }

        var (fresh, total, heads, kvHeads) = (shape.SeqQ, shape.SeqK, shape.Heads, shape.KvHeads);
        var past = total - fresh;
        var inputs = new List<OnnxModelWriter.Value>
        {
            new("query", OnnxModelWriter.Float, 1, fresh, heads * headDim),
            new("key", OnnxModelWriter.Float, 1, fresh, kvHeads * headDim),
            new("value", OnnxModelWriter.Float, 1, fresh, kvHeads * headDim),
            new("past_key", OnnxModelWriter.Float, 1, kvHeads, past, headDim),
            new("past_value", OnnxModelWriter.Float, 1, kvHeads, past, headDim),
            new("seqlens_k", OnnxModelWriter.Int32, 1),
            new("total_sequence_length", OnnxModelWriter.Int32),
        };
        var outputs = new List<OnnxModelWriter.Value>
        {
            new(_outputName, OnnxModelWriter.Float, 1, fresh, heads * headDim),
            new("present_key", OnnxModelWriter.Float, 1, kvHeads, total, headDim),
            new("present_value", OnnxModelWriter.Float, 1, kvHeads, total, headDim),
        };
        var model = OnnxModelWriter.SingleNode("GroupQueryAttention", "com.microsoft", inputs, outputs, new Dictionary<string, long>
        {
            ["num_heads"] = heads,
            ["kv_num_heads"] = kvHeads,
            ["local_window_size"] = windowKeys,
        });
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        _session = new InferenceSession(model, options);

        // KernelGen's [batch, seq, heads, dim] is GQA's [batch, seq, heads * dim] for the new tokens; its cache is
        // [batch, kvHeads, seq, dim].
        var newRows = fresh * kvHeads * headDim;
        _inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("query", new DenseTensor<float>(q, new[] { 1, fresh, heads * headDim })),
            NamedOnnxValue.CreateFromTensor("key", new DenseTensor<float>(k.AsMemory(k.Length - newRows), new[] { 1, fresh, kvHeads * headDim })),
            NamedOnnxValue.CreateFromTensor("value", new DenseTensor<float>(v.AsMemory(v.Length - newRows), new[] { 1, fresh, kvHeads * headDim })),
            NamedOnnxValue.CreateFromTensor("past_key", new DenseTensor<float>(HeadsFirst(k, past, kvHeads, headDim), new[] { 1, kvHeads, past, headDim })),
            NamedOnnxValue.CreateFromTensor("past_value", new DenseTensor<float>(HeadsFirst(v, past, kvHeads, headDim), new[] { 1, kvHeads, past, headDim })),
            NamedOnnxValue.CreateFromTensor("seqlens_k", new DenseTensor<int>(new[] { total - 1 }, new[] { 1 })),
            NamedOnnxValue.CreateFromTensor("total_sequence_length", new DenseTensor<int>(new[] { total }, Array.Empty<int>())),
        };
    }

    /// <summary>The bytes of the score matrix ONNX Runtime allocates for <paramref name="shape"/>.</summary>
    public static long ScoreBytes(AttentionShape shape) => (long)shape.Batch * shape.Heads * shape.SeqQ * shape.SeqK * sizeof(float);

    /// <summary>Runs once.</summary>
    public void Run() => _session.Run(_inputs).Dispose();

    /// <summary>Runs once and returns the output, <c>[1, SeqQ, heads, dim]</c>.</summary>
    public float[] RunAndRead()
    {
        using var results = _session.Run(_inputs);
        return results.Single(result => result.Name == _outputName).AsEnumerable<float>().ToArray();
    }

    // The first `rows` keys of [1, seq, kvHeads, dim] as [1, kvHeads, rows, dim].
    private static float[] HeadsFirst(float[] keys, int rows, int kvHeads, int headDim)
    {
        var result = new float[(long)rows * kvHeads * headDim];
        for (var row = 0; row < rows; row++)
        {
            for (var head = 0; head < kvHeads; head++)
            {
                Array.Copy(keys, ((long)row * kvHeads + head) * headDim, result, ((long)head * rows + row) * headDim, headDim);
            }
        }

        return result;
    }

    public void Dispose() => _session.Dispose();
}
