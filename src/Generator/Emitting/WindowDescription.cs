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
        var before = window.Left switch
        {
            null => "every key before it",
            0 => "no key before it",
            1 => "the 1 key before it",
            int left when left > 0 => $"the {left} keys before it",
            int left => $"no key before it, nor the {-left} key(s) after it",
        };
        var after = window.Right switch
        {
            null => "every key after it",
            0 => "no key after it",
            1 => "the 1 key after it",
            int right when right > 0 => $"the {right} keys after it",
            int right => $"not even the {-right} key(s) just before it",
        };
        var own = window.HidesDiagonal ? "not its own key" : "its own key";
        var count = window.Left is int l && window.Right is int r ? $" ({(long)l + r + 1} keys at most)" : string.Empty;
        var alignment = window.Alignment == WindowAlignment.BottomRight
            ? "Query i's own key is key i + SeqK - SeqQ (bottom-right: the last query lines up with the last key)."
            : "Query i's own key is key i (top-left: the first query lines up with the first key).";
        return $"Query i sees {own}, {before} and {after}{count}. {alignment}";
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
