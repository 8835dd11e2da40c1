using System;
using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;

namespace KernelGen.Generator.Parsing;

/// <summary>
/// Checks a spec's pinned backend parameters and targets against its window: each pin is read as its backend
/// would read it (the backend's own defaults for omitted values), converted to the canonical window and compared.
/// </summary>
internal static class PinReader
{
    /// <summary>Each backend's descriptor by the full name of its pin attribute.</summary>
    private static readonly Dictionary<string, BackendDescriptor> Pins =
        BackendDescriptor.All.ToDictionary(descriptor => descriptor.PinAttributeType.FullName!);

    /// <summary>Reports KG0016 for pins that describe another window and KG0017 for targets that cannot express it.</summary>
    public static void Check(string className, IEnumerable<AttributeData> attributes, AttentionWindow window, IEnumerable<Backend> targets, Location targetsLocation, List<Diagnostic> diagnostics)
    {
        var pinned = new HashSet<Backend>();
        foreach (var attribute in attributes)
        {
            if (attribute.AttributeClass?.ToDisplayString() is not string name || !Pins.TryGetValue(name, out var pin))
            {
                continue;
            }

            pinned.Add(pin.Backend);
            var arguments = new AttributeArguments(attribute);
            if (!pin.TryConvert(window, out var expected, out var reason))
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.TargetCannotExpressWindow, arguments.Location, className, pin.DisplayName, window, reason));
                continue;
            }

            var shortName = pin.ParametersType.Name;
            var parameters = pin.ReadPin(new WrittenPin(arguments, argument => diagnostics.Add(Diagnostic.Create(
                DiagnosticDescriptors.InvalidArgument, arguments.Location, className, $"{shortName}.{argument}", "(not given)", "the backend has no default for it; give it"))));
            if (parameters is null)
            {
                continue;
            }

            AttentionWindow pinnedWindow;
            try
            {
                pinnedWindow = pin.ToWindow(parameters);
            }
            catch (Exception exception) when (exception is ArgumentException or OverflowException)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidArgument, arguments.Location, className, shortName, pin.FormatArguments(parameters), exception.Message));
                continue;
            }
            catch (NotSupportedException notABand)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.PinnedMaskIsNotAWindow, arguments.Location, pin.PinText(parameters), className, notABand.Message, pin.PinText(expected!), window));
                continue;
            }

            if (pinnedWindow != window)
            {
                diagnostics.Add(Diagnostic.Create(
                    DiagnosticDescriptors.PinnedWindowMismatch, arguments.Location,
                    pin.PinText(parameters), className, window, pin.DisplayName,
                    Difference(window, pinnedWindow), pin.PinText(expected!)));
            }
        }

        foreach (var target in targets.Where(t => !pinned.Contains(t)).Distinct())
        {
            var descriptor = BackendDescriptor.For(target);
            if (!descriptor.TryConvert(window, out _, out var reason))
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.TargetCannotExpressWindow, targetsLocation, className, descriptor.DisplayName, window, reason));
            }
        }
    }

    /// <summary>The first query, for a square and a decoding shape, whose keys differ, in words.</summary>
    private static string Difference(AttentionWindow expected, AttentionWindow actual)
    {
        long widest = new long?[] { expected.Left, expected.Right, actual.Left, actual.Right, expected.ChunkSize, actual.ChunkSize, expected.SinkTokens, actual.SinkTokens }
            .Max(b => b is long value ? Math.Abs(value) : 0);
        var length = (int)Math.Min(Math.Max(widest + 2, 8), int.MaxValue / 2);
        foreach (var (seqQ, seqK) in new[] { (length, length), (1, length) })
        {
            var candidates = Enumerable.Range(0, Math.Min(seqQ, 64)).Concat(new[] { seqQ - 1, seqQ / 2 }).Distinct();
            foreach (var query in candidates)
            {
                var want = expected.VisibleKeys(query, seqQ, seqK);
                var got = actual.VisibleKeys(query, seqQ, seqK);
                if (want != got || expected.SinkKeys(query, seqQ, seqK) != actual.SinkKeys(query, seqQ, seqK))
                {
                    return $"{Describe(got)} instead of {Describe(want)} to query {query} (SeqQ = {seqQ}, SeqK = {seqK})";
                }
            }
        }

        return $"{actual}";

        static string Describe(KeyRange keys) => keys.IsEmpty ? "no key" : keys.Count == 1 ? $"key {keys.Start} only" : $"keys {keys.Start}..{keys.End - 1} ({keys.Count} keys)";
    }
}
