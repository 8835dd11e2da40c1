using System;
using System.Collections.Generic;
using Microsoft.ML.OnnxRuntime;

namespace KernelGen.Backends.Tests;

/// <summary>
/// ONNX Runtime's <c>com.microsoft.GroupQueryAttention</c> with <c>sliding_window_cache = 1</c> for one configuration:
/// batch 1, a key/value buffer of <see cref="Capacity"/> rows per KV head, <c>local_window_size = W</c> (W keys, the
/// query's own included: KernelGen's <c>Left = W - 1</c>). The model's shapes are fixed, so each number of new tokens gets
/// its own session; the caches of a configuration (<see cref="OnnxRuntimeWindowedCache"/>) share them, as a model's layers
/// share one session, rather than each bringing intra-op threads that spin while another runs.
/// </summary>
internal sealed class OnnxRuntimeWindowedAttention : IDisposable
{
    private readonly Dictionary<int, InferenceSession> _sessions = new();
    private readonly SessionOptions _options;

    public OnnxRuntimeWindowedAttention(int windowKeys, int capacity, int heads, int kvHeads, int headDim, int threads)
    {
        (WindowKeys, Capacity, Heads, KvHeads, HeadDim) = (windowKeys, capacity, heads, kvHeads, headDim);
        _options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
    }

    /// <summary><c>local_window_size</c>: keys a query sees, its own included.</summary>
    public int WindowKeys { get; }

    /// <summary>C: rows of the key (and value) buffer per KV head, chosen by the caller (at least <see cref="WindowKeys"/>).</summary>
    public int Capacity { get; }

    public int Heads { get; }

    public int KvHeads { get; }

    public int HeadDim { get; }

    /// <summary>The key (and value) buffer's shape, <c>[1, kvHeads, capacity, headDim]</c>, past and present alike.</summary>
    public long[] BufferShape => new long[] { 1, KvHeads, Capacity, HeadDim };

    /// <summary>The session for steps of <paramref name="tokens"/> new tokens.</summary>
    public InferenceSession Session(int tokens)
    {
        if (!_sessions.TryGetValue(tokens, out var session))
        {
            var inputs = new List<OnnxModelWriter.Value>
            {
                new("query", OnnxModelWriter.Float, 1, tokens, (long)Heads * HeadDim),
                new("key", OnnxModelWriter.Float, 1, tokens, (long)KvHeads * HeadDim),
                new("value", OnnxModelWriter.Float, 1, tokens, (long)KvHeads * HeadDim),
                new("past_key", OnnxModelWriter.Float, BufferShape),
                new("past_value", OnnxModelWriter.Float, BufferShape),
                new("seqlens_k", OnnxModelWriter.Int32, 1),
                new("total_sequence_length", OnnxModelWriter.Int32),
            };
            var outputs = new List<OnnxModelWriter.Value>
            {
                new("output", OnnxModelWriter.Float, 1, tokens, (long)Heads * HeadDim),
                new("present_key", OnnxModelWriter.Float, BufferShape),
                new("present_value", OnnxModelWriter.Float, BufferShape),
            };
            var model = OnnxModelWriter.SingleNode("GroupQueryAttention", "com.microsoft", inputs, outputs, new Dictionary<string, long>
            {
                ["num_heads"] = Heads,
                ["kv_num_heads"] = KvHeads,
                ["local_window_size"] = WindowKeys,
                ["sliding_window_cache"] = 1,
            });
            session = new InferenceSession(model, _options);
            _sessions.Add(tokens, session);
        }

        return session;
    }

    public void Dispose()
    {
        foreach (var session in _sessions.Values)
        {
            session.Dispose();
        }

        _options.Dispose();
    }
}
