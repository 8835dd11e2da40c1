using System;
using System.Collections.Generic;
using Microsoft.ML.OnnxRuntime;

namespace KernelGen.Backends.Tests;

/// <summary>
/// ONNX Runtime's <c>com.microsoft.GroupQueryAttention</c> with <c>sliding_window_cache = 1</c>, stepped as an inference
/// engine steps it: one batch row whose key and value buffers, <c>[1, kvHeads, capacity, headDim]</c>, are bound as both
/// <c>past_*</c> and <c>present_*</c>, so the operator appends and evicts in place and the buffers are the only state
/// between steps. <c>local_window_size = W</c> shows W keys, the query's own included (KernelGen's <c>Left = W - 1</c>).
/// </summary>
/// <remarks>
/// What ONNX Runtime 1.31.1 documents (its schema text, and <c>docs/contrib_ops/cpu/gqa.md</c>): after a step the
/// <c>L</c> newest positions sit in rows <c>[0, L)</c> in order, never wrapped; <c>L</c> is
/// <see cref="DocumentedResidentKeys"/>, which evicts <c>G = C - W + 1</c> positions at once; a step that would evict
/// keys its own first query still reads runs on a staging copy of <c>L(T - S) + S</c> rows. The model's shapes are fixed,
/// so each number of new tokens gets its own session over the same buffers.
/// </remarks>
internal sealed class OnnxRuntimeWindowedCache : IDisposable
{
    private readonly Dictionary<int, InferenceSession> _sessions = new();
    private readonly SessionOptions _options;
    private readonly float[] _keys;
    private readonly float[] _values;
    private readonly OrtValue _keyBuffer;
    private readonly OrtValue _valueBuffer;
    private readonly string[] _inputNames = { "query", "key", "value", "past_key", "past_value", "seqlens_k", "total_sequence_length" };
    private readonly string[] _outputNames = { "output", "present_key", "present_value" };

    public OnnxRuntimeWindowedCache(int windowKeys, int capacity, int heads, int kvHeads, int headDim, int threads)
    {
        (WindowKeys, Capacity, Heads, KvHeads, HeadDim) = (windowKeys, capacity, heads, kvHeads, headDim);
        _options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        _keys = new float[(long)kvHeads * capacity * headDim];
        _values = new float[_keys.Length];
        _keyBuffer = OrtValue.CreateTensorValueFromMemory(_keys, BufferShape);
        _valueBuffer = OrtValue.CreateTensorValueFromMemory(_values, BufferShape);
    }

    /// <summary><c>local_window_size</c>: keys a query sees, its own included.</summary>
    public int WindowKeys { get; }

    /// <summary>C: rows of the key (and value) buffer per KV head, chosen by the caller (at least <see cref="WindowKeys"/>).</summary>
    public int Capacity { get; }

    public int Heads { get; }

    public int KvHeads { get; }

    public int HeadDim { get; }

    /// <summary>T: the tokens this row has processed (<c>seqlens_k + 1</c> of the last step).</summary>
    public long Length { get; private set; }

    /// <summary>Bytes of the key and value buffers per batch row and KV head: <c>2 · C · HeadDim · 4</c>.</summary>
    public long BytesPerKvHead => 2L * Capacity * HeadDim * sizeof(float);

    private long[] BufferShape => new long[] { 1, KvHeads, Capacity, HeadDim };

    /// <summary>
    /// ONNX Runtime's documented resident count after <paramref name="tokens"/> tokens: <c>T</c> while <c>T &lt;= C</c>,
    /// then <c>T - G · ceil((T - C) / G)</c> with <c>G = C - W + 1</c>.
    /// </summary>
    public static long DocumentedResidentKeys(long tokens, int capacity, int windowKeys)
    {
        if (tokens <= capacity)
        {
            return tokens;
        }

        long block = capacity - windowKeys + 1;
        return tokens - (block * ((tokens - capacity + block - 1) / block));
    }

    /// <summary>
    /// Runs the operator on <paramref name="tokens"/> new tokens: <paramref name="q"/> <c>[tokens, heads, HeadDim]</c>,
    /// <paramref name="k"/> and <paramref name="v"/> <c>[tokens, kvHeads, HeadDim]</c>; writes <paramref name="output"/>
    /// like <paramref name="q"/>.
    /// </summary>
    public void Step(float[] q, float[] k, float[] v, float[] output, int tokens)
    {
        var total = checked((int)(Length + tokens));
        using var query = OrtValue.CreateTensorValueFromMemory(q, new long[] { 1, tokens, (long)Heads * HeadDim });
        using var key = OrtValue.CreateTensorValueFromMemory(k, new long[] { 1, tokens, (long)KvHeads * HeadDim });
        using var value = OrtValue.CreateTensorValueFromMemory(v, new long[] { 1, tokens, (long)KvHeads * HeadDim });
        using var lastPosition = OrtValue.CreateTensorValueFromMemory(new[] { total - 1 }, new long[] { 1 });
        using var totalLength = OrtValue.CreateTensorValueFromMemory(new[] { total }, Array.Empty<long>());
        using var result = OrtValue.CreateTensorValueFromMemory(output, new long[] { 1, tokens, (long)Heads * HeadDim });
        using var runOptions = new RunOptions();
        Session(tokens).Run(runOptions, _inputNames, new[] { query, key, value, _keyBuffer, _valueBuffer, lastPosition, totalLength },
            _outputNames, new[] { result, _keyBuffer, _valueBuffer });
        Length = total;
    }

    /// <summary>
    /// Writes the layout ONNX Runtime documents for a row that has processed the <paramref name="tokens"/> tokens of
    /// <paramref name="keys"/> and <paramref name="values"/> (<c>[tokens, kvHeads, HeadDim]</c>), without running them:
    /// the operator keeps no state besides the buffers, so this is where it would be after those steps.
    /// </summary>
    public void Load(ReadOnlySpan<float> keys, ReadOnlySpan<float> values, int tokens)
    {
        var resident = (int)DocumentedResidentKeys(tokens, Capacity, WindowKeys);
        for (var kvHead = 0; kvHead < KvHeads; kvHead++)
        {
            for (var row = 0; row < resident; row++)
            {
                var source = ((((long)tokens - resident + row) * KvHeads) + kvHead) * HeadDim;
                keys.Slice((int)source, HeadDim).CopyTo(Row(_keys, kvHead, row));
                values.Slice((int)source, HeadDim).CopyTo(Row(_values, kvHead, row));
            }
        }

        Length = tokens;
    }

    /// <summary>The row of KV head <paramref name="kvHead"/>'s key buffer that holds exactly <paramref name="key"/>, or -1.</summary>
    public int RowOf(ReadOnlySpan<float> key, int kvHead)
    {
        for (var row = 0; row < Capacity; row++)
        {
            if (Row(_keys, kvHead, row).SequenceEqual(key))
            {
                return row;
            }
        }

        return -1;
    }

    /// <summary>Row <paramref name="row"/> of KV head <paramref name="kvHead"/>'s key buffer.</summary>
    public ReadOnlySpan<float> KeyRow(int kvHead, int row) => Row(_keys, kvHead, row);

    public void Dispose()
    {
        foreach (var session in _sessions.Values)
        {
            session.Dispose();
        }

        _keyBuffer.Dispose();
        _valueBuffer.Dispose();
        _options.Dispose();
    }

    private Span<float> Row(float[] buffer, int kvHead, int row) => buffer.AsSpan((int)((((long)kvHead * Capacity) + row) * HeadDim), HeadDim);

    private InferenceSession Session(int tokens)
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
}
