using System;

namespace KernelGen;

/// <summary>
/// Chunked attention (Llama 4's local layers): keys are cut into chunks of <see cref="Size"/> positions counted from
/// key 0, and a query sees only keys of its own chunk (its position being its diagonal: bottom-right or top-left, as
/// the window's alignment says). Alone, or together with <c>Causal = true</c> and/or a <see cref="SlidingWindowAttribute"/>:
/// the visible keys are then the intersection.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ChunkedAttentionAttribute : Attribute
{
    /// <summary>Key positions per chunk, at least 1.</summary>
    public int Size { get; set; }
}
