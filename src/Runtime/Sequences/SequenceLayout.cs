using System.Runtime.InteropServices;

namespace KernelGen;

/// <summary>
/// Where one sequence of a call keeps its rows, and where its diagonal sits. A dense batch, a packed variable-length
/// batch and a KV cache differ only in these numbers (and in <see cref="SequenceGeometry"/>'s strides), so both
/// kernels run all three with one body.
/// </summary>
/// <remarks>Plain numbers only: ILGPU kernels read these from a device buffer.</remarks>
[StructLayout(LayoutKind.Sequential)]
public readonly struct SequenceLayout
{
    /// <summary>The token row of the sequence's first query in <c>q</c> and the output, laid out <c>[tokens, heads, headDim]</c>.</summary>
    public readonly long QueryStart;

    /// <summary>The element of <c>k</c> and <c>v</c> where key position 0 of key/value head 0 would lie.</summary>
    public readonly long KeyStart;

    /// <summary>The log-sum-exp element of the sequence's query 0 for head 0.</summary>
    public readonly long LogSumExpStart;

    /// <summary>The key index that query 0's diagonal sits on: <c>KeyCount - QueryCount</c> bottom-right, 0 top-left.</summary>
    public readonly long DiagonalOffset;

    /// <summary>The sequence's queries.</summary>
    public readonly int QueryCount;

    /// <summary>The sequence's keys, by absolute position <c>0 .. KeyCount - 1</c> (a cache holds only the last of them).</summary>
    public readonly int KeyCount;

    /// <summary>Creates a layout; <see cref="SequenceGeometry"/> builds these for each kind of call.</summary>
    public SequenceLayout(long queryStart, int queryCount, long keyStart, int keyCount, long diagonalOffset, long logSumExpStart)
    {
        QueryStart = queryStart;
        QueryCount = queryCount;
        KeyStart = keyStart;
        KeyCount = keyCount;
        DiagonalOffset = diagonalOffset;
        LogSumExpStart = logSumExpStart;
    }

    /// <summary>The key index query 0's diagonal sits on, for <paramref name="alignment"/>.</summary>
    public static long DiagonalOffsetFor(WindowAlignment alignment, int queryCount, int keyCount) =>
        alignment == WindowAlignment.BottomRight ? (long)keyCount - queryCount : 0;
}
