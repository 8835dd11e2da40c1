using System;
using Microsoft.ML.OnnxRuntime;

namespace KernelGen.Backends.Tests;

/// <summary>
/// One batch row's cache for <see cref="OnnxRuntimeWindowedAttention"/>, stepped as an inference engine steps it: its key
/// and value buffers, <c>[1, kvHeads, capacity, headDim]</c>, are bound as both <c>past_*</c> and <c>present_*</c>, so
/// the operator appends and evicts in place and the buffers are the only state between steps.
/// </summary>
/// <remarks>
/// What ONNX Runtime 1.31.1 documents (its schema text, and <c>docs/contrib_ops/cpu/gqa.md</c>): after a step the
/// <c>L</c> newest positions sit in rows <c>[0, L)</c> in order, never wrapped; <c>L</c> is
/// <see cref="DocumentedResidentKeys"/>, which evicts <c>G = C - W + 1</c> positions at once; a step that would evict
/// keys its own first query still reads runs on a staging copy of <c>L(T - S) + S</c> rows.
/// </remarks>
internal sealed class OnnxRuntimeWindowedCache : IDisposable
{
    private readonly OnnxRuntimeWindowedAttention _attention;
    private readonly float[] _keys;
    private readonly float[] _values;
    private readonly OrtValue _keyBuffer;
    private readonly OrtValue _valueBuffer;
    private readonly string[] _inputNames = { "query", "key", "value", "past_key", "past_value", "seqlens_k", "total_sequence_length" };
    private readonly string[] _outputNames = { "output", "present_key", "present_value" };

    public OnnxRuntimeWindowedCache(OnnxRuntimeWindowedAttention attention)
    {
        _attention = attention;
        _keys = new float[(long)attention.KvHeads * attention.Capacity * attention.HeadDim];
        _values = new float[_keys.Length];
        _keyBuffer = OrtValue.CreateTensorValueFromMemory(_keys, attention.BufferShape);
        _valueBuffer = OrtValue.CreateTensorValueFromMemory(_values, attention.BufferShape);
    }

    /// <summary><c>local_window_size</c>: keys a query sees, its own included.</summary>
    public int WindowKeys => _attention.WindowKeys;

    /// <summary>C: rows of the key (and value) buffer per KV head.</summary>
    public int Capacity => _attention.Capacity;

    /// <summary>T: the tokens this row has processed (<c>seqlens_k + 1</c> of the last step).</summary>
    public long Length { get; private set; }

    /// <summary>Bytes of the key and value buffers per batch row and KV head: <c>2 · C · HeadDim · 4</c>.</summary>
    public long BytesPerKvHead => 2L * Capacity * _attention.HeadDim * sizeof(float);

    private int HeadDim => _attention.HeadDim;

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
        long queryRow = (long)_attention.Heads * HeadDim, keyRow = (long)_attention.KvHeads * HeadDim;
        using var query = OrtValue.CreateTensorValueFromMemory(q, new long[] { 1, tokens, queryRow });
        using var key = OrtValue.CreateTensorValueFromMemory(k, new long[] { 1, tokens, keyRow });
        using var value = OrtValue.CreateTensorValueFromMemory(v, new long[] { 1, tokens, keyRow });
        using var lastPosition = OrtValue.CreateTensorValueFromMemory(new[] { total - 1 }, new long[] { 1 });
        using var totalLength = OrtValue.CreateTensorValueFromMemory(new[] { total }, Array.Empty<long>());
        using var result = OrtValue.CreateTensorValueFromMemory(output, new long[] { 1, tokens, queryRow });
        using var runOptions = new RunOptions();
        _attention.Session(tokens).Run(runOptions, _inputNames, new[] { query, key, value, _keyBuffer, _valueBuffer, lastPosition, totalLength },
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
        var kvHeads = _attention.KvHeads;
        for (var kvHead = 0; kvHead < kvHeads; kvHead++)
        {
            for (var row = 0; row < resident; row++)
            {
                var source = ((((long)tokens - resident + row) * kvHeads) + kvHead) * HeadDim;
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
        _keyBuffer.Dispose();
        _valueBuffer.Dispose();
    }

    private Span<float> Row(float[] buffer, int kvHead, int row) => buffer.AsSpan((int)((((long)kvHead * Capacity) + row) * HeadDim), HeadDim);
}
