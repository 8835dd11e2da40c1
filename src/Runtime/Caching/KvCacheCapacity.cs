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
/// This file is compiled into both the runtime and the generator.
/// </remarks>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
static class KvCacheCapacity
{
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

        // With Right <= 0, a window that shows no key at all is one with Left + Right < 0, and Left < 0 only happens in such a
        // window; its Left + MaxChunk would be a ring of no slots (or fewer).
        if (window.IsEmpty)
        {
            return $"it hides every key (Left + Right = {(long)window.Left!.Value + right} < 0): no query would ever see one";
        }

        if (window.Left is int left && (long)left + maxChunk > int.MaxValue)
        {
            return $"Left + MaxChunk = {(long)left + maxChunk} keys is more than a ring can index (int.MaxValue); leave Left unbounded for a cache that grows";
        }

        return null;
    }

    /// <summary>Keys per batch row and key/value head: <c>Left + maxChunk</c>, or <see langword="null"/> for a window without a left bound (the cache grows).</summary>
    public static int? Capacity(AttentionWindow window, int maxChunk) => window.Left is int left ? left + maxChunk : null;

    /// <summary>The rule with its numbers, for example <c>Left + MaxChunk = 4095 + 512 = 4607 keys</c>.</summary>
    public static string Rule(AttentionWindow window, int maxChunk) => window.Left is int left
        ? $"Left + MaxChunk = {left} + {maxChunk} = {(long)left + maxChunk} keys"
        : "no fixed capacity: the window has no left bound, so every key stays visible and the cache grows with the sequence";
}
