using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace KernelGen.Generator.Emitting;

/// <summary>The window in plain words and as a small picture, for the generated doc comments.</summary>
internal static class WindowDescription
{
    private const int PictureLength = 8;
    private const int LabelWidth = 7;
    private const string Indent = "    ";

    /// <summary>One sentence that says which keys query <c>i</c> sees.</summary>
    public static string InWords(AttentionWindow window)
    {
        var alignment = window.Alignment == WindowAlignment.BottomRight
            ? "Query i's own key is key i + SeqK - SeqQ (bottom-right: the last query lines up with the last key)."
            : "Query i's own key is key i (top-left: the first query lines up with the first key).";
        var count = window.Left is int l && window.Right is int r ? $" ({(long)l + r + 1} keys at most)" : string.Empty;

        // A negative bound puts the whole window on one side of the query's own key: say where it runs, plainly.
        if (window.Right is int right && right < 0)
        {
            var from = window.Left is int left ? $"the keys from key i - {left}" : "every key from key 0";
            return $"Query i sees {from} to key i - {-right}{count}, all before its own key: not its own key, and no key after it. {alignment}";
        }

        if (window.Left is int negativeLeft && negativeLeft < 0)
        {
            var to = window.Right is int last ? $" to key i + {last}" : " on";
            var from = window.Right is null ? "every key from key" : "the keys from key";
            return $"Query i sees {from} i + {-negativeLeft}{to}{count}, all after its own key: not its own key, and no key before it. {alignment}";
        }

        var before = window.Left switch
        {
            null => "every key before it",
            0 => "no key before it",
            1 => "the 1 key before it",
            int keys => $"the {keys} keys before it",
        };
        var after = window.Right switch
        {
            null => "every key after it",
            0 => "no key after it",
            1 => "the 1 key after it",
            int keys => $"the {keys} keys after it",
        };
        return $"Query i sees its own key, {before} and {after}{count}. {alignment}";
    }

    /// <summary>
    /// What chunks and sink tokens add to <see cref="InWords"/>, one paragraph each; and, for a spec with learned sink
    /// logits beside sink tokens, how the two differ.
    /// </summary>
    public static IEnumerable<string> ChunksAndSinks(AttentionWindow window, bool learnedSinkLogits)
    {
        if (window.ChunkSize is int size)
        {
            yield return $"Chunked attention: the keys are cut into chunks of {size} positions counted from key 0 (keys 0 .. {size - 1}, "
                + $"{size} .. {2L * size - 1}, ...), and query i sees only keys of the chunk that holds its own key; with bounds, "
                + "the keys it sees are those both in the window and in its chunk.";
        }

        if (window.SinkTokens > 0)
        {
            yield return $"Sink tokens (StreamingLLM): keys 0 .. {window.SinkTokens - 1} stay visible besides the window, to every query "
                + "whose right bound reaches them (a sink after the query stays hidden). They are real keys with values, kept in "
                + "the KV cache"
                + (learnedSinkLogits
                    ? "; the learned sink logits (Sinks = true) are something else: one extra logit per head in the softmax's denominator, with no key and no value."
                    : ", not learned sink logits (Sinks = true), which add one logit per head to the softmax's denominator with no key and no value.");
        }
    }

    /// <summary>
    /// Which keys each query sees in an 8 x 8 attention matrix (one row per query, one column per key),
    /// and for one decoding step (one query against 8 keys), where the alignment shows.
    /// </summary>
    public static IEnumerable<string> Picture(AttentionWindow window)
    {
        yield return Indent + "keys".PadLeft(LabelWidth) + " " + string.Concat(Enumerable.Range(0, PictureLength).Select(key => $" {key}"));
        for (var query = 0; query < PictureLength; query++)
        {
            yield return Row($"query {query}", window, query, PictureLength, PictureLength);
        }

        yield return string.Empty;
        yield return Row("decode", window, 0, 1, PictureLength) + "   (SeqQ = 1, SeqK = 8)";
    }

    private static string Row(string label, AttentionWindow window, int query, int seqQ, int seqK)
    {
        var row = new StringBuilder(Indent).Append(label.PadLeft(LabelWidth)).Append(' ');
        for (var key = 0; key < seqK; key++)
        {
            row.Append(window.IsVisible(query, key, seqQ, seqK) ? " #" : " .");
        }

        return row.ToString();
    }
}
