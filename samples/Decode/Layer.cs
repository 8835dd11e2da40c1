using System;
using System.Collections.Generic;
using System.Linq;
using KernelGen;

namespace Decode;

/// <summary>
/// One attention layer of the toy model: projections, attention through its KV cache, and a residual. It also keeps
/// every key and value it has seen, to check each step against attention recomputed over the whole history.
/// </summary>
internal sealed class Layer
{
    private readonly Full _full;
    private readonly float[] _query, _key, _value, _out;
    private readonly int _hidden, _heads, _kvHeads, _headDim;
    private readonly List<float>[] _keys, _values;

    /// <summary>A spec's dense CPU kernel, for the recomputation.</summary>
    public delegate void Full(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> output, AttentionShape shape, CpuAttentionOptions? options);

    public Layer(string name, KeyValueCache<float> cache, Full full, Func<int, int, float[]> weights, int hidden, int heads, int kvHeads, int headDim)
    {
        Name = name;
        Cache = cache;
        _full = full;
        (_hidden, _heads, _kvHeads, _headDim) = (hidden, heads, kvHeads, headDim);
        _query = weights(hidden, heads * headDim);
        _key = weights(hidden, kvHeads * headDim);
        _value = weights(hidden, kvHeads * headDim);
        _out = weights(heads * headDim, hidden);
        _keys = Enumerable.Range(0, cache.Batch).Select(_ => new List<float>()).ToArray();
        _values = Enumerable.Range(0, cache.Batch).Select(_ => new List<float>()).ToArray();
    }

    public string Name { get; }

    public KeyValueCache<float> Cache { get; }

    /// <summary>
    /// Runs the layer on the new tokens (packed, <paramref name="counts"/> per row) and returns the new hidden states;
    /// <paramref name="difference"/> is the largest gap between the cache's attention and the recomputed one.
    /// </summary>
    public float[] Step(float[] hidden, int[] counts, out double difference)
    {
        int tokens = counts.Sum();
        var q = Project(hidden, tokens, _query, _heads * _headDim);
        var k = Project(hidden, tokens, _key, _kvHeads * _headDim);
        var v = Project(hidden, tokens, _value, _kvHeads * _headDim);
        var attention = new float[q.Length];
        Cache.Forward(q, k, v, attention, counts);

        difference = 0;
        int start = 0;
        for (int row = 0; row < counts.Length; row++)
        {
            int n = counts[row];
            _keys[row].AddRange(k.AsSpan(start * _kvHeads * _headDim, n * _kvHeads * _headDim).ToArray());
            _values[row].AddRange(v.AsSpan(start * _kvHeads * _headDim, n * _kvHeads * _headDim).ToArray());
            if (n > 0)
            {
                int length = _keys[row].Count / (_kvHeads * _headDim);
                var recomputed = new float[n * _heads * _headDim];
                _full(q.AsSpan(start * _heads * _headDim, recomputed.Length), _keys[row].ToArray(), _values[row].ToArray(), recomputed,
                    new AttentionShape(1, n, length, _heads, _kvHeads), null);
                var fromCache = attention.AsSpan(start * _heads * _headDim, recomputed.Length);
                for (int index = 0; index < recomputed.Length; index++)
                {
                    difference = Math.Max(difference, Math.Abs(recomputed[index] - fromCache[index]));
                }
            }

            start += n;
        }

        var output = Project(attention, tokens, _out, _hidden);
        for (int index = 0; index < output.Length; index++)
        {
            output[index] += hidden[index];
        }

        return output;
    }

    // rows x inputs times inputs x outputs, row-major.
    private static float[] Project(float[] input, int rows, float[] weights, int outputs)
    {
        int inputs = weights.Length / outputs;
        var result = new float[rows * outputs];
        for (int row = 0; row < rows; row++)
        {
            for (int inner = 0; inner < inputs; inner++)
            {
                float x = input[(row * inputs) + inner];
                for (int column = 0; column < outputs; column++)
                {
                    result[(row * outputs) + column] += x * weights[(inner * outputs) + column];
                }
            }
        }

        return result;
    }
}
