using System;
using System.Linq;

namespace KernelGen.Generator.Parsing;

/// <summary>Shows where two windows part: the keys one query sees under each, for a pin or a config that disagrees.</summary>
internal static class WindowDifference
{
    /// <summary>The first query, for a square and a decoding shape, whose keys differ, in words.</summary>
    public static string Describe(AttentionWindow expected, AttentionWindow actual)
    {
        long widest = new long?[] { expected.Left, expected.Right, actual.Left, actual.Right, expected.ChunkSize, actual.ChunkSize, expected.SinkTokens, actual.SinkTokens }
            .Max(b => b is long value ? Math.Abs(value) : 0);
        var length = (int)Math.Min(Math.Max(widest + 2, 8), int.MaxValue / 2);
        foreach (var (seqQ, seqK) in new[] { (length, length), (1, length) })
        {
            var candidates = Enumerable.Range(0, Math.Min(seqQ, 64)).Concat(new[] { seqQ - 1, seqQ / 2 }).Distinct();
            foreach (var query in candidates)
            {
                var want = expected.VisibleKeys(query, seqQ, seqK);
                var got = actual.VisibleKeys(query, seqQ, seqK);
                if (want != got || expected.SinkKeys(query, seqQ, seqK) != actual.SinkKeys(query, seqQ, seqK))
                {
                    return $"{Keys(got)} instead of {Keys(want)} to query {query} (SeqQ = {seqQ}, SeqK = {seqK})";
                }
            }
        }

        return $"{actual}";

        static string Keys(KeyRange keys) => keys.IsEmpty ? "no key" : keys.Count == 1 ? $"key {keys.Start} only" : $"keys {keys.Start}..{keys.End - 1} ({keys.Count} keys)";
    }
}
