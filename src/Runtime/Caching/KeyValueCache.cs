using System;
using System.Runtime.CompilerServices;

namespace KernelGen;

/// <summary>
/// A KV cache for one spec: per batch row and key/value head, the keys and values of the row's tokens so far, of which
/// it holds the last <see cref="Capacity"/> when the window reaches back a bounded number of keys (a left bound or
/// chunks: a ring sized at build time) and all of them otherwise (the cache grows). Append a chunk of new tokens, then attend the new queries against the cache;
/// each batch row keeps its own length, so rows of different lengths decode together.
/// </summary>
/// <remarks>
/// Create one with the spec's <c>CreateCache</c>. Keys and values are laid out <c>[batch, kvHeads, capacity, HeadDim]</c>;
/// new tokens come packed, <c>[tokens, kvHeads, HeadDim]</c>, row after row, with a count per row. Positions are
/// absolute, so the window's bottom-right diagonal follows each row through chunked prefill and decode. A cache is not
/// thread-safe: one append or attend at a time.
/// </remarks>
/// <typeparam name="TElement">The spec's host element type: <see cref="float"/>, <see cref="System.Half"/> or <see cref="BFloat16"/>.</typeparam>
public abstract class KeyValueCache<TElement> : IDisposable
    where TElement : unmanaged
{
    private readonly long[] _lengths;
    private readonly int? _ringCapacity;

    /// <summary>Creates an empty cache; the spec's <c>CreateCache</c> calls this.</summary>
    /// <param name="window">The spec's window.</param>
    /// <param name="headDim">Elements per head row.</param>
    /// <param name="hasSinks">Whether the spec has learned sink logits.</param>
    /// <param name="maxChunk">The most tokens one append adds to a row.</param>
    /// <param name="capacity">The ring's slots: at least <see cref="KvCacheCapacity.Capacity"/>'s; <see langword="null"/> for exactly that (or a growing cache).</param>
    /// <param name="batch">Batch rows.</param>
    /// <param name="heads">Query heads.</param>
    /// <param name="kvHeads">Key/value heads.</param>
    protected KeyValueCache(AttentionWindow window, int headDim, bool hasSinks, int maxChunk, int? capacity, int batch, int heads, int kvHeads)
    {
        var refusal = KvCacheCapacity.Refusal(window, maxChunk);
        if (refusal != null)
        {
            throw new ArgumentException($"A KV cache cannot serve this window because {refusal}.", nameof(window));
        }

        if (maxChunk <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxChunk), maxChunk, "The most tokens one append adds must be at least 1.");
        }

        new AttentionShape(batch, 1, 1, heads, kvHeads).Validate(headDim);
        Window = window;
        HeadDim = headDim;
        HasSinks = hasSinks;
        MaxChunk = maxChunk;
        Batch = batch;
        Heads = heads;
        KvHeads = kvHeads;
        _lengths = new long[batch];
        _ringCapacity = KvCacheCapacity.Capacity(window, maxChunk);
        if (capacity is int pinned)
        {
            if (_ringCapacity is not int needed || pinned < needed)
            {
                throw new ArgumentOutOfRangeException(nameof(capacity), pinned, $"This window needs {KvCacheCapacity.Rule(window, maxChunk)}.");
            }

            _ringCapacity = pinned;
        }

        Capacity = _ringCapacity ?? Math.Max(maxChunk, KvCacheCapacity.InitialGrowingCapacity);
    }

    /// <summary>The window the cache serves.</summary>
    public AttentionWindow Window { get; }

    /// <summary>Elements per head row.</summary>
    public int HeadDim { get; }

    /// <summary>Whether the spec has learned sink logits: attending then takes <c>sinkLogits</c>.</summary>
    public bool HasSinks { get; }

    /// <summary>The most tokens one append adds to a row.</summary>
    public int MaxChunk { get; }

    /// <summary>Batch rows.</summary>
    public int Batch { get; }

    /// <summary>Query heads of the queries that attend.</summary>
    public int Heads { get; }

    /// <summary>Key/value heads.</summary>
    public int KvHeads { get; }

    /// <summary>Whether the cache is a ring of fixed <see cref="Capacity"/> (the window has a left bound) rather than growing.</summary>
    public bool IsRing => _ringCapacity.HasValue;

    /// <summary>Key slots per batch row and key/value head: fixed for a ring, the room allocated so far for a growing cache.</summary>
    public int Capacity { get; private set; }

    /// <summary>Bytes of key and value memory the cache holds now: <c>2 · Batch · KvHeads · Capacity · HeadDim · sizeof(TElement)</c>.</summary>
    public long MemoryBytes => 2L * Batch * KvHeads * Capacity * HeadDim * Unsafe.SizeOf<TElement>();

    /// <summary>Whether <see cref="Dispose()"/> has run.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>The tokens batch row <paramref name="row"/> has appended so far (its next position).</summary>
    public long Length(int row) => _lengths[CheckRow(row)];

    /// <summary>The keys row <paramref name="row"/> holds: its length, or the ring's capacity once it has wrapped.</summary>
    public int HeldKeys(int row) => (int)Math.Min(_lengths[CheckRow(row)], Capacity);

    /// <summary>
    /// Writes <paramref name="tokenCounts"/>[b] new tokens to each row b, after its earlier tokens. Everything is checked
    /// before anything is written: a count above <see cref="MaxChunk"/> or buffers of the wrong length throw
    /// <see cref="ArgumentException"/>, a disposed cache <see cref="ObjectDisposedException"/>.
    /// </summary>
    /// <param name="keys">New keys, <c>[tokens, kvHeads, HeadDim]</c>, the rows' tokens one row after another.</param>
    /// <param name="values">New values, laid out like <paramref name="keys"/>.</param>
    /// <param name="tokenCounts">New tokens per batch row (0 leaves a row as it is).</param>
    public void Append(ReadOnlySpan<TElement> keys, ReadOnlySpan<TElement> values, ReadOnlySpan<int> tokenCounts)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        long tokens = CheckCounts(tokenCounts, nameof(tokenCounts), appending: true);
        long expected = tokens * KvHeads * HeadDim;
        if (keys.Length != expected || values.Length != expected)
        {
            throw new ArgumentException($"keys has {keys.Length} elements and values {values.Length}, but {tokens} new token(s) need {expected} each (tokens * KvHeads * HeadDim = {tokens} * {KvHeads} * {HeadDim}).", keys.Length != expected ? nameof(keys) : nameof(values));
        }

        long longest = 0;
        for (int row = 0; row < Batch; row++)
        {
            longest = Math.Max(longest, _lengths[row] + tokenCounts[row]);
        }

        if (!IsRing && longest > Capacity)
        {
            int grown = Capacity;
            while (grown < longest)
            {
                grown = (int)Math.Min(int.MaxValue, 2L * grown);
            }

            Grow(Capacity, grown);
            Capacity = grown;
        }

        var slots = new long[tokens];
        var layout = Layout(0, 0, 0, writesLogSumExp: false);
        long token = 0;
        for (int row = 0; row < Batch; row++)
        {
            for (int position = 0; position < tokenCounts[row]; position++)
            {
                slots[token++] = RowStart(row) + (layout.KeySlot(_lengths[row] + position) * HeadDim);
            }
        }

        Write(keys, values, slots);
        for (int row = 0; row < Batch; row++)
        {
            _lengths[row] += tokenCounts[row];
        }
    }

    /// <summary>
    /// Attends the last <paramref name="queryCounts"/>[b] positions of each row b (the tokens just appended) against the
    /// keys the window shows them, and writes their outputs.
    /// </summary>
    /// <param name="q">Queries, <c>[tokens, heads, HeadDim]</c>, row after row.</param>
    /// <param name="output">Receives the outputs, shaped like <paramref name="q"/>.</param>
    /// <param name="queryCounts">Queries per batch row: at most <see cref="MaxChunk"/> and at most the row's length.</param>
    public void Attend(ReadOnlySpan<TElement> q, Span<TElement> output, ReadOnlySpan<int> queryCounts) =>
        Attend(q, default, output, default, queryCounts, writesLogSumExp: false);

    /// <summary>As <see cref="Attend(ReadOnlySpan{TElement}, Span{TElement}, ReadOnlySpan{int})"/>, for a spec with sinks.</summary>
    /// <param name="q">Queries, <c>[tokens, heads, HeadDim]</c>, row after row.</param>
    /// <param name="sinkLogits">One learned sink logit per query head.</param>
    /// <param name="output">Receives the outputs, shaped like <paramref name="q"/>.</param>
    /// <param name="queryCounts">Queries per batch row: at most <see cref="MaxChunk"/> and at most the row's length.</param>
    public void Attend(ReadOnlySpan<TElement> q, ReadOnlySpan<float> sinkLogits, Span<TElement> output, ReadOnlySpan<int> queryCounts) =>
        Attend(q, sinkLogits, output, default, queryCounts, writesLogSumExp: false);

    /// <summary>Attends and also writes each row's natural-log log-sum-exp, <c>[heads, tokens]</c>.</summary>
    /// <param name="q">Queries, <c>[tokens, heads, HeadDim]</c>, row after row.</param>
    /// <param name="sinkLogits">One learned sink logit per query head, or empty for a spec without sinks.</param>
    /// <param name="output">Receives the outputs, shaped like <paramref name="q"/>.</param>
    /// <param name="logSumExp">Receives the log-sum-exp, <c>[heads, tokens]</c>.</param>
    /// <param name="queryCounts">Queries per batch row: at most <see cref="MaxChunk"/> and at most the row's length.</param>
    public void Attend(ReadOnlySpan<TElement> q, ReadOnlySpan<float> sinkLogits, Span<TElement> output, Span<float> logSumExp, ReadOnlySpan<int> queryCounts) =>
        Attend(q, sinkLogits, output, logSumExp, queryCounts, writesLogSumExp: true);

    /// <summary>Appends <paramref name="k"/> and <paramref name="v"/>, then attends <paramref name="q"/>: one step of prefill or decode.</summary>
    /// <param name="q">Queries of the new tokens, <c>[tokens, heads, HeadDim]</c>.</param>
    /// <param name="k">Keys of the new tokens, <c>[tokens, kvHeads, HeadDim]</c>.</param>
    /// <param name="v">Values of the new tokens, laid out like <paramref name="k"/>.</param>
    /// <param name="output">Receives the outputs, shaped like <paramref name="q"/>.</param>
    /// <param name="tokenCounts">New tokens per batch row.</param>
    public void Forward(ReadOnlySpan<TElement> q, ReadOnlySpan<TElement> k, ReadOnlySpan<TElement> v, Span<TElement> output, ReadOnlySpan<int> tokenCounts)
    {
        CheckQueries(q.Length, output.Length, CheckCounts(tokenCounts, nameof(tokenCounts), appending: true));
        CheckSinks(default);
        Append(k, v, tokenCounts);
        Attend(q, output, tokenCounts);
    }

    /// <summary>As <see cref="Forward(ReadOnlySpan{TElement}, ReadOnlySpan{TElement}, ReadOnlySpan{TElement}, Span{TElement}, ReadOnlySpan{int})"/>, for a spec with sinks.</summary>
    /// <param name="q">Queries of the new tokens, <c>[tokens, heads, HeadDim]</c>.</param>
    /// <param name="k">Keys of the new tokens, <c>[tokens, kvHeads, HeadDim]</c>.</param>
    /// <param name="v">Values of the new tokens, laid out like <paramref name="k"/>.</param>
    /// <param name="sinkLogits">One learned sink logit per query head.</param>
    /// <param name="output">Receives the outputs, shaped like <paramref name="q"/>.</param>
    /// <param name="tokenCounts">New tokens per batch row.</param>
    public void Forward(ReadOnlySpan<TElement> q, ReadOnlySpan<TElement> k, ReadOnlySpan<TElement> v, ReadOnlySpan<float> sinkLogits, Span<TElement> output, ReadOnlySpan<int> tokenCounts)
    {
        CheckQueries(q.Length, output.Length, CheckCounts(tokenCounts, nameof(tokenCounts), appending: true));
        CheckSinks(sinkLogits.Length);
        Append(k, v, tokenCounts);
        Attend(q, sinkLogits, output, tokenCounts);
    }

    /// <summary>Forgets every row's tokens (the memory stays allocated).</summary>
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        Array.Clear(_lengths);
    }

    /// <summary>Forgets row <paramref name="row"/>'s tokens, for a new sequence in that row.</summary>
    public void Reset(int row)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        _lengths[CheckRow(row)] = 0;
    }

    /// <summary>Releases the cache's memory.</summary>
    public void Dispose()
    {
        if (!IsDisposed)
        {
            IsDisposed = true;
            Release();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>The spec's name, the window and the memory, for logs.</summary>
    public override string ToString() =>
        $"{(IsRing ? "ring" : "growing")} KV cache: {Batch} row(s) x {KvHeads} KV head(s) x {Capacity} keys x {HeadDim}, {MemoryBytes / (1024.0 * 1024.0):0.##} MiB";

    /// <summary>Copies new keys and values to their slots: token t's key/value head h goes to element <c>slots[t] + h · Capacity · HeadDim</c>.</summary>
    protected abstract void Write(ReadOnlySpan<TElement> keys, ReadOnlySpan<TElement> values, ReadOnlySpan<long> slots);

    /// <summary>Reallocates a growing cache from <paramref name="oldCapacity"/> to <paramref name="newCapacity"/> slots, keeping every held key.</summary>
    protected abstract void Grow(int oldCapacity, int newCapacity);

    /// <summary>Runs the spec's kernel over the cache.</summary>
    protected abstract void Run(ReadOnlySpan<TElement> q, ReadOnlySpan<float> sinkLogits, Span<TElement> output, Span<float> logSumExp, SequenceGeometry geometry, ReadOnlySpan<SequenceLayout> sequences);

    /// <summary>Frees the memory.</summary>
    protected abstract void Release();

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="bounds"/> are not <paramref name="window"/>'s.</summary>
    protected static void RequireSameWindow<TWindow>(TWindow bounds, AttentionWindow window)
        where TWindow : struct, IWindowBounds
    {
        if (bounds.HasLeftBound != window.Left.HasValue || bounds.HasRightBound != window.Right.HasValue
            || (window.Left is int left && bounds.Left != left) || (window.Right is int right && bounds.Right != right)
            || bounds.ChunkSize != (window.ChunkSize ?? 0) || bounds.SinkTokens != window.SinkTokens)
        {
            throw new ArgumentException($"The kernel's window bounds (left {(bounds.HasLeftBound ? bounds.Left : "none")}, right {(bounds.HasRightBound ? bounds.Right : "none")}, chunks {bounds.ChunkSize}, sinks {bounds.SinkTokens}) are not the cache's window {window}.", nameof(bounds));
        }
    }

    /// <summary>Elements of the key (and of the value) store: <c>Batch · KvHeads · capacity · HeadDim</c>.</summary>
    protected long StoreElements(int capacity) => (long)Batch * KvHeads * capacity * HeadDim;

    /// <summary>The element where row <paramref name="row"/>'s slot 0 of key/value head 0 lies.</summary>
    protected long RowStart(int row) => (long)row * KvHeads * Capacity * HeadDim;

    private void Attend(ReadOnlySpan<TElement> q, ReadOnlySpan<float> sinkLogits, Span<TElement> output, Span<float> logSumExp, ReadOnlySpan<int> queryCounts, bool writesLogSumExp)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        long tokens = CheckCounts(queryCounts, nameof(queryCounts), appending: false);
        CheckQueries(q.Length, output.Length, tokens);
        CheckSinks(sinkLogits.Length);
        if (writesLogSumExp && logSumExp.Length != tokens * Heads)
        {
            throw new ArgumentException($"logSumExp has {logSumExp.Length} elements but {tokens} queries need {tokens * Heads} (heads * tokens).", nameof(logSumExp));
        }

        var sequences = new SequenceLayout[Batch];
        long queryStart = 0;
        int maxQueries = 0, maxKeys = 0;
        for (int row = 0; row < Batch; row++)
        {
            int keys = (int)_lengths[row];
            sequences[row] = new SequenceLayout(queryStart, queryCounts[row], RowStart(row), keys, keys - queryCounts[row], queryStart);
            queryStart += queryCounts[row];
            maxQueries = Math.Max(maxQueries, queryCounts[row]);
            maxKeys = Math.Max(maxKeys, keys);
        }

        var geometry = Layout(tokens, maxQueries, maxKeys, writesLogSumExp);
        Run(q, sinkLogits, output, logSumExp, geometry, sequences);
    }

    // The cache's slots as the kernels address them: a ring keeps the window's sink tokens in slots of their own.
    private SequenceGeometry Layout(long tokens, int maxQueries, int maxKeys, bool writesLogSumExp) =>
        SequenceGeometry.Cache(Batch, Heads, KvHeads, HeadDim, Capacity, IsRing, Window.SinkTokens, tokens, maxQueries, maxKeys, writesLogSumExp);

    // Counts must be one per row; an append adds at most MaxChunk; an attend reaches at most MaxChunk back, into what was appended.
    private long CheckCounts(ReadOnlySpan<int> counts, string name, bool appending)
    {
        if (counts.Length != Batch)
        {
            throw new ArgumentException($"{name} has {counts.Length} entries; the cache has {Batch} batch row(s), one count each.", name);
        }

        long total = 0;
        for (int row = 0; row < Batch; row++)
        {
            int count = counts[row];
            long limit = appending ? MaxChunk : Math.Min(MaxChunk, _lengths[row]);
            if (count < 0 || count > limit)
            {
                var why = appending
                    ? $"an append adds at most MaxChunk = {MaxChunk} tokens per row (the capacity was sized for that); split the chunk"
                    : $"a row attends at most min(MaxChunk = {MaxChunk}, its length {_lengths[row]}) of its latest tokens";
                throw new ArgumentException($"{name}[{row}] is {count}: {why}.", name);
            }

            if (appending && _lengths[row] + count > int.MaxValue)
            {
                throw new ArgumentException($"{name}[{row}]: row {row} would pass int.MaxValue tokens.", name);
            }

            total += count;
        }

        return total;
    }

    private int CheckRow(int row) => (uint)row < (uint)Batch
        ? row
        : throw new ArgumentOutOfRangeException(nameof(row), row, $"The cache has {Batch} batch row(s): row must be 0 to {Batch - 1}.");

    private void CheckSinks(int sinkLogits)
    {
        if (sinkLogits != (HasSinks ? Heads : 0))
        {
            throw new ArgumentException(HasSinks
                ? $"sinkLogits has {sinkLogits} elements; this spec has learned sinks and needs one per head ({Heads})."
                : $"sinkLogits has {sinkLogits} elements; this spec has no sinks: use the overload without them.", "sinkLogits");
        }
    }

    private void CheckQueries(long query, long output, long tokens)
    {
        long expected = tokens * Heads * HeadDim;
        if (query != expected || output != expected)
        {
            throw new ArgumentException($"q has {query} elements and output {output}, but {tokens} queries need {expected} each (tokens * Heads * HeadDim = {tokens} * {Heads} * {HeadDim}).", query != expected ? "q" : "output");
        }
    }
}
