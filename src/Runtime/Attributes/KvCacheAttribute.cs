using System;

namespace KernelGen;

/// <summary>
/// Gives an <see cref="AttentionKernelAttribute"/> spec a KV cache sized by its window at build time: a ring of
/// <c>Left + MaxChunk</c> keys per batch row and key/value head for a window with a left bound, a cache that grows
/// with the sequence for one without. The spec then has <c>CacheCapacity</c>, <c>CacheCapacityRule</c> and
/// <c>CreateCache(...)</c>.
/// </summary>
/// <example>
/// Mistral's 4096-key window, prefilled in chunks of up to 512 tokens, then decoded token by token:
/// <code>
/// [AttentionKernel(HeadDim = 128)]
/// [SlidingWindow(Left = 4095, Right = 0, Inclusive = true)]
/// [KvCache(MaxChunk = 512)]                 // a ring of 4095 + 512 = 4607 keys
/// public static partial class MistralAttention;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class KvCacheAttribute : Attribute
{
    /// <summary>The most tokens one append adds to a batch row (1 for decode only; the prefill chunk size otherwise).</summary>
    public int MaxChunk { get; set; }

    /// <summary>
    /// Optional: the capacity you expect, in keys per batch row and key/value head. The build fails (KG0032) when it is
    /// too small for the window and says the right number; a larger one is reported (KG0033) with the memory it wastes.
    /// </summary>
    public int Capacity { get; set; }
}
