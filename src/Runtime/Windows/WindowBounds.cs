using System.Runtime.CompilerServices;

namespace KernelGen;

/// <summary>
/// The window bounds as a kernel sees them. Generated kernels are generic over this: each spec's own struct
/// returns its bounds as constants (they fold into the compiled kernel), and <see cref="RuntimeWindowBounds"/>
/// carries them as kernel arguments, so one kernel body serves both.
/// </summary>
public interface IWindowBounds
{
    /// <summary>Whether keys before the diagonal are limited.</summary>
    bool HasLeftBound { get; }

    /// <summary>Inclusive keys before the diagonal (ignored when <see cref="HasLeftBound"/> is false).</summary>
    long Left { get; }

    /// <summary>Whether keys after the diagonal are limited.</summary>
    bool HasRightBound { get; }

    /// <summary>Inclusive keys after the diagonal (ignored when <see cref="HasRightBound"/> is false).</summary>
    long Right { get; }

    /// <summary>Keys per chunk, counted from key 0 (a row sees only its own chunk), or 0 when the window is not chunked.</summary>
    long ChunkSize { get; }

    /// <summary>How many of the first keys stay visible beside the band (StreamingLLM's sink tokens), or 0.</summary>
    long SinkTokens { get; }
}

/// <summary>Window bounds passed to the kernel at run time, for windows chosen at run time and for comparisons.</summary>
public readonly struct RuntimeWindowBounds : IWindowBounds
{
    private readonly int _hasLeftBound;
    private readonly int _hasRightBound;
    private readonly long _left;
    private readonly long _right;
    private readonly long _chunkSize;
    private readonly long _sinkTokens;

    /// <summary>Takes the bounds of <paramref name="window"/> (its alignment travels separately, as the diagonal offset).</summary>
    public RuntimeWindowBounds(AttentionWindow window)
    {
        _hasLeftBound = window.Left.HasValue ? 1 : 0;
        _left = window.Left ?? 0;
        _hasRightBound = window.Right.HasValue ? 1 : 0;
        _right = window.Right ?? 0;
        _chunkSize = window.ChunkSize ?? 0;
        _sinkTokens = window.SinkTokens;
    }

    /// <inheritdoc/>
    public bool HasLeftBound
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _hasLeftBound != 0;
    }

    /// <inheritdoc/>
    public long Left
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _left;
    }

    /// <inheritdoc/>
    public bool HasRightBound
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _hasRightBound != 0;
    }

    /// <inheritdoc/>
    public long Right
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _right;
    }

    /// <inheritdoc/>
    public long ChunkSize
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _chunkSize;
    }

    /// <inheritdoc/>
    public long SinkTokens
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _sinkTokens;
    }
}
