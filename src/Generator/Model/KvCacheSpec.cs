namespace KernelGen.Generator.Model;

/// <summary>A spec's <c>[KvCache]</c>, checked against its window.</summary>
/// <param name="MaxChunk">The most tokens one append adds to a row.</param>
/// <param name="Capacity">Keys per batch row and key/value head, or <see langword="null"/> for a cache that grows (no left bound).</param>
/// <param name="Rule">The capacity rule with its numbers.</param>
internal sealed record KvCacheSpec(int MaxChunk, int? Capacity, string Rule);
