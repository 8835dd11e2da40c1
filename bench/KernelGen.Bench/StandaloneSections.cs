using System.Linq;

namespace KernelGen.Bench;

/// <summary>
/// The sections a flag runs on their own, without the kernel table: <c>--cache-study</c> (ONNX Runtime's
/// <c>sliding_window_cache</c> next to KernelGen's cache), <c>--elements</c> (fp16 and bf16 inputs beside fp32) and
/// <c>--cached-decode</c> (decode through the cache); the full run and <c>--quick</c> also end with the last two.
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

        if (args.Contains("--elements"))
        {
            ElementBenchmark.Run(threads);
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
