using System;
using System.Collections.Generic;
using System.Linq;

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
        int tokens = counts.Sum();
        var output = new double[q.Length];
        var logSumExp = new double[tokens * _heads];
        int queryRow = _heads * _headDim;
        int start = 0;
        for (int row = 0; row < counts.Length; row++)
        {
            int n = counts[row];
            if (n > 0)
            {
                var shape = new AttentionShape(1, n, Length(row), _heads, _kvHeads);
                var result = ReferenceAttention.Compute(q.AsSpan(start * queryRow, n * queryRow), _keys[row].ToArray(), _values[row].ToArray(), shape, _headDim, window, options, sinks);
                result.Output.CopyTo(output, start * queryRow);
                for (int head = 0; head < _heads; head++)
                {
                    for (int query = 0; query < n; query++)
                    {
                        logSumExp[(head * tokens) + start + query] = result.LogSumExp[(head * n) + query];
                    }
                }
            }

            start += n;
        }

        return (output, logSumExp);
    }
}
