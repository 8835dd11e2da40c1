using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Model;
using Microsoft.CodeAnalysis;

namespace KernelGen.Generator.Parsing;

/// <summary>Reads a spec's <c>[KvCache]</c> and checks it against the window, with <see cref="KvCacheCapacity"/>'s rule.</summary>
internal static class KvCacheReader
{
    public const string KvCacheAttributeName = "KernelGen.KvCacheAttribute";

    /// <summary>
    /// The spec's cache, <see langword="null"/> with <paramref name="ok"/> true when it has no <c>[KvCache]</c>, and
    /// <see langword="null"/> with <paramref name="ok"/> false (reported) when the cache cannot be built.
    /// </summary>
    public static KvCacheSpec? Read(string name, IEnumerable<AttributeData> attributes, AttentionWindow window, int headDim, List<Diagnostic> diagnostics, out bool ok)
    {
        ok = true;
        var attribute = attributes.FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KvCacheAttributeName);
        if (attribute is null)
        {
            return null;
        }

        var arguments = new AttributeArguments(attribute);
        var maxChunk = arguments.Get<int>("MaxChunk");
        var capacity = arguments.Get<int>("Capacity");
        ok = false;
        if ((arguments.IsGiven("MaxChunk") && !maxChunk.IsValid) || (arguments.IsGiven("Capacity") && !capacity.IsValid))
        {
            return null; // The compiler reports what it could not bind.
        }

        if (!arguments.IsGiven("MaxChunk") || maxChunk.Value < 1)
        {
            var shown = arguments.IsGiven("MaxChunk") ? maxChunk.Value.ToString(CultureInfo.InvariantCulture) : "(not given)";
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidArgument, arguments.LocationOf("MaxChunk"), name, "MaxChunk", shown,
                "give the most tokens one append adds to a batch row, at least 1 (1 for decode only, the prefill chunk size otherwise)"));
            return null;
        }

        if (KvCacheCapacity.Refusal(window, maxChunk.Value) is string refusal)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.CacheCannotServeWindow, arguments.Location, name, window.ToString(), refusal));
            return null;
        }

        var needed = KvCacheCapacity.Capacity(window, maxChunk.Value);
        var rule = KvCacheCapacity.Rule(window, maxChunk.Value);
        if (!arguments.IsGiven("Capacity"))
        {
            ok = true;
            return new KvCacheSpec(maxChunk.Value, needed, rule);
        }

        var pinned = capacity.Value;
        var location = arguments.LocationOf("Capacity");
        if (needed is not int required)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.CacheCapacityTooSmall, location, pinned, name, window.ToString(),
                $"it has {rule}. Leave Capacity out."));
            return null;
        }

        if (pinned < required)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.CacheCapacityTooSmall, location, pinned, name, window.ToString(),
                $"an append of MaxChunk = {maxChunk.Value} tokens at position p makes query p see back to key p - {window.Left}, while keys up to p + {maxChunk.Value - 1} were just written, so the ring needs {rule}; with {pinned} it would overwrite {required - pinned} key(s) still in the window. Pin Capacity = {required}, or leave it out."));
            return null;
        }

        if (pinned > required)
        {
            var wasted = 2L * (pinned - required) * headDim * sizeof(float);
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.CacheCapacityLarger, location, pinned, name, pinned - required, window.ToString(), rule, wasted, required));
        }

        ok = true;
        return new KvCacheSpec(maxChunk.Value, pinned, rule);
    }
}
