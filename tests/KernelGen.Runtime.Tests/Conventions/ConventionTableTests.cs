using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using Xunit;

namespace KernelGen.Runtime.Tests.Conventions;

/// <summary>
/// docs/conventions.md, the table users read, is written from the conversions themselves, so it cannot drift.
/// Set KERNELGEN_ACCEPT_SNAPSHOTS=1 to rewrite it after a deliberate change.
/// </summary>
public sealed class ConventionTableTests
{
    private static readonly (string Name, AttentionWindow Window)[] Examples =
    {
        ("Mistral 7B, W = 4096", AttentionWindow.Causal(4095)),
        ("gpt-oss local, W = 128", AttentionWindow.Causal(127)),
        ("symmetric (2, 2)", new AttentionWindow(2, 2)),
        ("causal (3, 0), top-left", new AttentionWindow(3, 0, WindowAlignment.TopLeft)),
        ("causal, unbounded", AttentionWindow.Causal()),
    };

    [Fact]
    public void ConventionsTableIsWrittenFromTheConversions()
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "conventions.md");
        var expected = Table();
        var failure = KernelGen.Tests.ApprovedFile.CheckDocument(path, expected);
        Assert.True(failure is null, failure);
    }

    private static string Table()
    {
        var text = new StringBuilder()
            .Append("# Window conventions\n\n")
            .Append("Written by `tests/KernelGen.Runtime.Tests/Conventions/ConventionTableTests.cs` from the conversions in\n")
            .Append("`src/Runtime/Conventions`; do not edit by hand.\n\n")
            .Append("KernelGen's normal form: key `j` is visible to query `i` iff `0 <= j < seqK` and `i + off - L <= j <= i + off + R`,\n")
            .Append("with `off = seqK - seqQ` (bottom-right) or `0` (top-left). A causal window `(L, 0)` shows `L + 1` keys.\n\n")
            .Append("## How each backend reads its numbers\n\n")
            .Append("| backend | normal form | sentinel | alignment | read in |\n|---|---|---|---|---|\n");
        foreach (var backend in BackendDescriptor.All)
        {
            var alignment = backend.AlignmentRule is string rule ? $"state it: {backend.DisplayName} {rule}" : "bottom-right";
            var sentinel = backend.UnboundedSentinel is int s ? $"`{s}`" : "none";
            text.Append($"| {backend.DisplayName} | {backend.NormalForm} | {sentinel} | {alignment} | {backend.Source} |\n");
        }

        text.Append("\n## The same windows in every backend\n\n")
            .Append("| backend | ").Append(string.Join(" | ", Examples.Select(e => $"{e.Name}: `{e.Window}`"))).Append(" |\n")
            .Append("|---|").Append(string.Concat(Examples.Select(_ => "---|"))).Append('\n');
        foreach (var backend in BackendDescriptor.All)
        {
            text.Append($"| {backend.DisplayName} | ");
            text.Append(string.Join(" | ", Examples.Select(e => backend.TryConvert(e.Window, out var parameters, out var reason)
                ? $"`{backend.PinText(parameters!)}`"
                : $"cannot: {reason}")));
            text.Append(" |\n");
        }

        text.Append("\n## Chunked attention and sink tokens\n\n")
            .Append("`[ChunkedAttention(Size = S)]` cuts the keys into chunks of `S` positions counted from key 0 on absolute positions, and a\n")
            .Append("query (at its diagonal) sees only its own chunk, intersected with the window: FlashAttention 3's `attention_chunk`\n")
            .Append("(`hopper/mask.h`: the left limit is `round_down(attention_chunk_divmod, row_idx + seqlen_k - seqlen_q)`, the right one\n")
            .Append("that plus the chunk, both intersected with the local window) and llama.cpp's chunked `swa_type` (`is_masked_swa`:\n")
            .Append("hidden when `p0 < (p1 / n_swa) * n_swa`) count them the same way, and so does a FlexAttention chunk `mask_mod`\n")
            .Append("(`q // S == kv_idx // S` on the shifted query index, and'ed with the window). HF transformers' `attention_chunk_size`\n")
            .Append("(`masking_utils.py`, `chunked_overlay`) counts chunks from each row's first real token when a batch is left-padded,\n")
            .Append("which needs a run-time origin per row: KernelGen's chunks start at key 0, so `HuggingFaceWindow(AttentionChunkSize = S)` is\n")
            .Append("the unpadded row's mask (origin 0), and a left-padded HF batch is not the same mask.\n\n")
            .Append("`[SlidingWindow(..., SinkTokens = N)]` keeps keys `0 .. N - 1` visible besides the window to every query whose right\n")
            .Append("bound reaches them (StreamingLLM; attention-gym's \"(window or sink) and causal\"; in FlexAttention `or_masks` of the\n")
            .Append("window and `kv_idx < N` and'ed with the right bound). These are real keys, not the learned\n")
            .Append("sink logits of `Sinks = true`.\n\n")
            .Append("| backend | chunked attention | sink tokens |\n|---|---|---|\n");
        foreach (var backend in BackendDescriptor.All)
        {
            text.Append($"| {backend.DisplayName} | {(backend.ExpressesChunks ? "yes" : "no (KG0017)")} | {(backend.ExpressesSinkTokens ? "yes" : "no (KG0017)")} |\n");
        }

        return text.ToString();
    }

    private static string RepositoryRoot([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));
}
