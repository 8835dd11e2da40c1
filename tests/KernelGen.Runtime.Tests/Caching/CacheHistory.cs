using System;
using System.Collections.Generic;
using System.Linq;
using KernelGen.Runtime.Tests.Kernels;

namespace KernelGen.Runtime.Tests.Caching;

/// <summary>
/// What a cache should hold, kept the slow way: every key, value and query each batch row has appended, so that a
/// step's expected output is full-history attention from the fp64 reference.
/// </summary>
internal sealed class CacheHistory
{
    private readonly List<float>[] _keys;
    private readonly List<float>[] _values;
    private readonly int _headDim;
    private readonly int _heads;
    private readonly int _kvHeads;

    public CacheHistory(int batch, int heads, int kvHeads, int headDim)
    {
        _keys = Enumerable.Range(0, batch).Select(_ => new List<float>()).ToArray();
        _values = Enumerable.Range(0, batch).Select(_ => new List<float>()).ToArray();
        _heads = heads;
        _kvHeads = kvHeads;
        _headDim = headDim;
    }

    public int Length(int row) => _keys[row].Count / (_kvHeads * _headDim);

    /// <summary>Adds packed new keys and values, row after row.</summary>
    public void Append(float[] keys, float[] values, int[] counts)
    {
        int perToken = _kvHeads * _headDim;
        int token = 0;
        for (int row = 0; row < counts.Length; row++)
        {
            _keys[row].AddRange(keys.AsSpan(token * perToken, counts[row] * perToken).ToArray());
            _values[row].AddRange(values.AsSpan(token * perToken, counts[row] * perToken).ToArray());
            token += counts[row];
        }
    }

    /// <summary>
    /// The expected output and log-sum-exp for packed queries, the last <paramref name="counts"/>[b] positions of each
    /// row, laid out as the cache writes them: <c>[tokens, heads, HeadDim]</c> and <c>[heads, tokens]</c>.
    /// </summary>
    public (double[] Output, double[] LogSumExp) Expected(float[] q, int[] counts, AttentionWindow window, ReferenceAttention.Options options, float[] sinks)
    {
        int queryRow = _heads * _headDim;
        var sequences = new List<SequenceHistory>();
        int start = 0;
        for (int row = 0; row < counts.Length; row++)
        {
            sequences.Add(new SequenceHistory(counts[row], Length(row), q[(start * queryRow)..((start + counts[row]) * queryRow)], _keys[row].ToArray(), _values[row].ToArray()));
            start += counts[row];
        }

        return SequenceHistory.Reference(sequences, _heads, _kvHeads, _headDim, window, options, sinks);
    }
}
