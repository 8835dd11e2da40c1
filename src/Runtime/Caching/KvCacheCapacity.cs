namespace KernelGen;

/// <summary>
/// How many keys a KV cache must hold for a window, and which windows a cache cannot serve. One rule for the
/// generator (the spec's constants and diagnostics) and the runtime (the caches it creates).
/// </summary>
/// <remarks>
/// New keys are written before the new queries attend. An append of <c>n</c> tokens to a row of length <c>p</c> adds
/// queries <c>p .. p + n - 1</c>; the first of them sees keys from <c>p - Left</c>, and the keys up to <c>p + n - 1</c>
/// must be kept for later queries, so the ring holds <c>Left + n</c> keys, <c>Left + MaxChunk</c> at most: the smallest
/// size that works for every chunk sequence (vLLM's <c>sliding_window - 1</c> extra blocks count the same keys).
/// Chunked attention reaches back at most <c>ChunkSize - 1</c> keys (to the start of the query's chunk), so the ring
/// holds <c>min(Left, ChunkSize - 1) + MaxChunk</c> keys; a query at position <c>p</c> with <c>p mod ChunkSize</c> at
/// least <c>min(Left, ChunkSize - 1)</c> reaches that far, so no smaller ring serves every append sequence.
/// Sink tokens (the first <c>SinkTokens</c> positions, visible to every later query) keep slots of their own before the
/// ring, for <c>SinkTokens + Left + MaxChunk</c> in all.
/// This file is compiled into both the runtime and the generator.
/// </remarks>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
static class KvCacheCapacity
{
    /// <summary>Keys a growing cache has room for at first (or its most tokens per append, if more); it doubles when a row outgrows it.</summary>
    public const int InitialGrowingCapacity = 64;

    /// <summary>
    /// Why a cache cannot serve <paramref name="window"/> appended <paramref name="maxChunk"/> tokens at a time, as a clause
    /// that follows "it cannot serve its window because"; <see langword="null"/> when it can.
    /// </summary>
    public static string? Refusal(AttentionWindow window, int maxChunk)
    {
        if (window.Alignment != WindowAlignment.BottomRight)
        {
            return "its diagonal is top-left: query i lines up with key i of each call, not with its position in the sequence, so what a query sees would change with how the sequence is cut into appends";
        }

        if (window.Right is not int right)
        {
            return "it has no right bound: every query sees all later keys, which a cache that is filled as tokens arrive has not seen yet";
        }

        if (right > 0)
        {
            return $"each query sees {right} key(s) after its own, which have not arrived when it attends";
        }

        // A window that shows no key at all would size a ring of no slots (or fewer).
        if (window.IsEmpty)
        {
            return $"it hides every key ({window}): no query would ever see one";
        }

        if (Reach(window) is long reach && window.SinkTokens + reach + maxChunk > int.MaxValue)
        {
            return $"{ReachName(window)} + MaxChunk = {window.SinkTokens + reach + maxChunk} keys is more than a ring can index (int.MaxValue); leave Left unbounded for a cache that grows";
        }

        return null;
    }

    /// <summary>
    /// Keys per batch row and key/value head: <c>Left + maxChunk</c>, <c>min(Left, ChunkSize - 1) + maxChunk</c> when
    /// chunked, or <see langword="null"/> for a window that reaches every earlier key (the cache grows).
    /// </summary>
    public static int? Capacity(AttentionWindow window, int maxChunk) => Reach(window) is long reach ? (int)(window.SinkTokens + reach + maxChunk) : null;

    /// <summary>The rule with its numbers, for example <c>Left + MaxChunk = 4095 + 512 = 4607 keys</c>.</summary>
    public static string Rule(AttentionWindow window, int maxChunk) => Reach(window) is long reach
        ? window.SinkTokens > 0
            ? $"{ReachName(window)} + MaxChunk = {window.SinkTokens} + {reach} + {maxChunk} = {window.SinkTokens + reach + maxChunk} keys"
            : $"{ReachName(window)} + MaxChunk = {reach} + {maxChunk} = {reach + maxChunk} keys"
        : "no fixed capacity: the window has no left bound, so every key stays visible and the cache grows with the sequence";

    // How far before its own position a query can see: Left, or up to the start of its chunk.
    private static long? Reach(AttentionWindow window) => (window.Left, window.ChunkSize) switch
    {
        (int left, int size) => System.Math.Min(left, size - 1L),
        (int left, null) => left,
        (null, int size) => size - 1L,
        _ => null,
    };

    // Sink tokens keep slots of their own before the ring (they combine with a left bound only, never with chunks).
    private static string ReachName(AttentionWindow window) => (window.Left, window.ChunkSize) switch
    {
        (int, null) when window.SinkTokens > 0 => "SinkTokens + Left",
        (int, int) => "min(Left, ChunkSize - 1)",
        (null, int) => "ChunkSize - 1",
        _ => "Left",
    };
}
