using System.Linq;

namespace KernelGen.Bench;

/// <summary>
/// The sections a flag runs on their own, without the kernel table: <c>--cache-study</c> (ONNX Runtime's
/// <c>sliding_window_cache</c> next to KernelGen's cache) and <c>--cached-decode</c> (decode through the cache, which the
/// full run and <c>--quick</c> also end with).
/// </summary>
internal static class StandaloneSections
{
    /// <summary>Runs the section a flag in <paramref name="args"/> names; <see langword="false"/> when none does.</summary>
    public static bool TryRun(string[] args, bool quick, int threads)
    {
        if (args.Contains("--cache-study"))
        {
            SlidingWindowCacheStudy.Run(threads);
            return true;
        }

        if (args.Contains("--cached-decode"))
        {
            CachedDecodeBenchmark.Run(quick, threads);
            return true;
        }

        return false;
    }
}
