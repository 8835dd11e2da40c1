using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emitting;

/// <summary>
/// Emits a <c>[KvCache]</c> spec's cache: its capacity and rule as constants, a drawing of what the ring holds, and
/// <c>CreateCache</c>. The cache itself is the runtime's <c>KeyValueCache</c>, attended by the spec's kernels.
/// </summary>
internal static class CacheEmitter
{
    private const string Options = "global::KernelGen.CpuAttentionOptions";

    private const string SizeParameters = """
        /// <param name="batch">Batch rows, each with its own length.</param>
        /// <param name="heads">Query heads of the queries that attend.</param>
        /// <param name="kvHeads">Key/value heads; <paramref name="heads"/> must be a multiple of it.</param>
        """;

    public static string Emit(KernelSpec spec, KvCacheSpec cache)
    {
        var capacityArgument = cache.Capacity.HasValue ? "CacheCapacity" : "null";
        var element = ElementTypes.Host(spec.Element);
        var writer = new SourceWriter();
        using (TypeShell.Open(writer, spec, System.Array.Empty<string>()))
        {
            writer.WriteLine("/// <summary>The most tokens one append adds to a batch row of this spec's KV cache.</summary>");
            writer.WriteLine($"public const int CacheMaxChunk = {cache.MaxChunk};");
            writer.WriteLine();
            if (cache.Capacity is int capacity)
            {
                writer.WriteLine($"/// <summary>Keys the KV cache holds per batch row and key/value head: {XmlDoc.Escape(cache.Rule)}.</summary>");
                writer.WriteLine($"public const int CacheCapacity = {capacity};");
                writer.WriteLine();
            }

            writer.WriteLine("/// <summary>How the cache's size follows from the window.</summary>");
            writer.WriteLine($"public const string CacheCapacityRule = {CSharpLiteral.Of(cache.Rule)};");
            writer.WriteLine();
            foreach (var line in Documentation(spec, cache))
            {
                writer.WriteLine(line.Length == 0 ? "///" : "/// " + line);
            }

            writer.WriteLine(SizeParameters);
            writer.WriteLine("/// <param name=\"options\">Threads for the CPU kernel; <see langword=\"null\"/> for all cores.</param>");
            writer.WriteLine($"public static global::KernelGen.KeyValueCache<{element}> CreateCache(int batch, int heads, int kvHeads, {Options}? options = null) =>");
            writer.WriteLine($"    new global::KernelGen.HostKeyValueCache<{KernelEmitter.BakedConstants}, {KernelEmitter.BakedWindow}, {element}>(default, Window, CacheMaxChunk, {capacityArgument}, batch, heads, kvHeads, options);");
            writer.WriteLine();
            writer.WriteLine($$"""
                /// <summary>
                /// Creates an empty KV cache in <paramref name="accelerator"/>'s memory, attended by this spec's ILGPU kernel (which splits the
                /// keys across groups for decode): the same API and sizes as the host cache, with spans in and out; each call waits.
                /// </summary>
                /// <param name="accelerator">Where the cache lives; the caller keeps and disposes it.</param>
                {{SizeParameters}}
                public static global::KernelGen.KeyValueCache<{{element}}> CreateCache(global::ILGPU.Runtime.Accelerator accelerator, int batch, int heads, int kvHeads) =>
                    new global::KernelGen.DeviceKeyValueCache<{{element}}, {{ElementTypes.Device(spec.Element)}}>(accelerator, Window, HeadDim, {{CSharpLiteral.Of(spec.Sinks)}}, CacheMaxChunk, {{capacityArgument}}, batch, heads, kvHeads, ForwardSequences);

                /// <summary>Creates an empty KV cache where <paramref name="device"/> runs: on its accelerator, or in host memory for the CPU kernel.</summary>
                /// <param name="device">Where to run (<c>KernelGenDevice.CreateDefault()</c>: CUDA when present, else the CPU kernel).</param>
                {{SizeParameters}}
                public static global::KernelGen.KeyValueCache<{{element}}> CreateCache(global::KernelGen.KernelGenDevice device, int batch, int heads, int kvHeads)
                {
                    global::System.ArgumentNullException.ThrowIfNull(device);
                    return device.Accelerator is { } accelerator ? CreateCache(accelerator, batch, heads, kvHeads) : CreateCache(batch, heads, kvHeads, device.CpuOptions);
                }
                """);
        }

        return writer.ToString();
    }

    private static IEnumerable<string> Documentation(KernelSpec spec, KvCacheSpec cache)
    {
        yield return "<summary>";
        yield return "Creates an empty KV cache in host memory for this spec, attended by the CPU kernel: append each chunk's keys and";
        yield return "values, then attend its queries (<c>KeyValueCache.Forward</c> does both). Each batch row keeps its own length.";
        yield return "</summary>";
        yield return "<remarks>";
        yield return $"<para>{XmlDoc.Escape(char.ToUpperInvariant(cache.Rule[0]) + cache.Rule.Substring(1))}.</para>";
        yield return "<code>";
        foreach (var line in Picture(spec.Window, cache))
        {
            yield return XmlDoc.Escape(line);
        }

        yield return "</code>";
        yield return "</remarks>";
    }

    /// <summary>What one row's cache holds after an append of <c>n</c> tokens at position <c>p</c>.</summary>
    private static IEnumerable<string> Picture(AttentionWindow window, KvCacheSpec cache)
    {
        yield return $"An append of n <= {cache.MaxChunk} tokens at position p; keys are written before the queries attend:";
        yield return string.Empty;
        const string Appended = "p .. p + n - 1";
        if (cache.Capacity is not int capacity)
        {
            const string Earlier = "0 .. p - 1";
            yield return $"  keys  {Earlier} | {Appended}";
            yield return $"        {Brace(Earlier.Length, "all")}   {Brace(Appended.Length, "n new")}";
            yield return "        ^ query p sees back to key 0";
            yield return $"        {new string(' ', Earlier.Length + 3)}^ queries p .. p + n - 1 attend now";
            yield return string.Empty;
            yield return "The window has no left bound, so the cache keeps every key: its memory grows with the sequence";
            yield return "(it doubles its room when a row outgrows it).";
            yield break;
        }

        // How far back a new query reaches: Left, or to the start of its chunk.
        var sinks = window.SinkTokens;
        var reach = KvCacheCapacity.Capacity(window, cache.MaxChunk)!.Value - cache.MaxChunk - sinks;
        var held = $"p - {reach} .. p - 1";
        var reachLabel = window.ChunkSize.HasValue ? $"at most {reach}" : $"Left = {reach}";
        yield return $"  keys  {held} | {Appended}";
        yield return $"        {Brace(held.Length, reachLabel)}   {Brace(Appended.Length, "n new")}";
        yield return $"        ^ query p sees back to key p - {reach}{(window.ChunkSize.HasValue ? " at most (its chunk's start)" : string.Empty)}";
        yield return $"        {new string(' ', held.Length + 3)}^ queries p .. p + n - 1 attend now";
        yield return string.Empty;
        var size = capacity > reach + cache.MaxChunk + sinks ? $"as pinned; {cache.Rule} would do" : cache.Rule;
        if (sinks > 0)
        {
            yield return $"Held ({size}): the sink tokens, keys 0 .. {sinks - 1}, in slots 0 .. {sinks - 1} for good, and the last {capacity - sinks}";
            yield return $"other positions: position j >= {sinks} sits in slot {sinks} + (j - {sinks}) % {capacity - sinks}, written again only after its key has left every window.";
            yield break;
        }

        yield return $"Held: the last {capacity} positions ({size}); position j sits in slot j % {capacity},";
        yield return "and a slot is written again only after its key has left every window.";
    }

    /// <summary><c>\__ label __/</c>, as wide as the text it braces (at least the label and its ends).</summary>
    private static string Brace(int width, string label)
    {
        var inner = System.Math.Max(width - 2, label.Length + 2);
        var left = (inner - label.Length) / 2;
        return "\\" + new string('_', left) + label + new string('_', inner - label.Length - left) + "/";
    }
}
