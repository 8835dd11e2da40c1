using System;

namespace KernelGen;

/// <summary>How a CPU kernel call may use the machine. The results do not depend on these settings.</summary>
public sealed record CpuAttentionOptions
{
    /// <summary>The default: as many threads as the machine has cores.</summary>
    public static CpuAttentionOptions Default { get; } = new();

    private readonly int _maxDegreeOfParallelism = -1;

    /// <summary>
    /// The most threads one call uses; -1 (the default) for as many as the machine has. Work is split by shape alone,
    /// so the output is bit-identical whatever this is.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is 0 or below -1.</exception>
    public int MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism;
        init => _maxDegreeOfParallelism = value is -1 or > 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), value, "Use -1 for all cores, or a thread count of at least 1.");
    }

    /// <summary>The number of threads a call actually uses.</summary>
    internal int ThreadCount => MaxDegreeOfParallelism == -1 ? Environment.ProcessorCount : MaxDegreeOfParallelism;
}
