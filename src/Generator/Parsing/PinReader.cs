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
    private delegate object? Reader(AttributeArguments pin, Func<string, int?> required);

    private sealed record Pin(Backend Backend, Reader Read, Func<object, AttentionWindow> ToWindow);

    private static readonly Dictionary<string, Pin> Pins = new()
    {
        ["KernelGen.FlashAttentionWindowAttribute"] = new(Backend.FlashAttention2,
            (a, _) => new FlashAttentionWindow(Int(a, "WindowSizeLeft") ?? -1, Int(a, "WindowSizeRight") ?? -1),
            p => AttentionWindow.FromFlashAttention((FlashAttentionWindow)p)),
        ["KernelGen.FlashAttention4WindowAttribute"] = new(Backend.FlashAttention4,
            (a, _) => new FlashAttention4Window(Int(a, "WindowSizeLeft"), Int(a, "WindowSizeRight")),
            p => AttentionWindow.FromFlashAttention4((FlashAttention4Window)p)),
        ["KernelGen.CuDnnWindowAttribute"] = new(Backend.CuDnn,
            (a, _) => new CuDnnWindow(Int(a, "DiagonalBandLeftBound"), Int(a, "DiagonalBandRightBound"), a.Get<WindowAlignment>("DiagonalAlignment").OrNull ?? WindowAlignment.TopLeft),
            p => AttentionWindow.FromCuDnn((CuDnnWindow)p)),
        ["KernelGen.TransformerEngineWindowAttribute"] = new(Backend.TransformerEngine,
            (a, _) => new TransformerEngineWindow(Int(a, "WindowSizeLeft") ?? -1, Int(a, "WindowSizeRight") ?? -1,
                a.Get<TransformerEngineMaskType>("AttnMaskType").OrNull ?? TransformerEngineMaskType.Causal, a.Get<bool>("BottomRightDiagonal").OrNull ?? true),
            p => AttentionWindow.FromTransformerEngine((TransformerEngineWindow)p)),
        ["KernelGen.FlexAttentionWindowAttribute"] = new(Backend.FlexAttention,
            (a, _) => new FlexAttentionWindow(Int(a, "WindowLeft"), Int(a, "WindowRight"), a.Get<WindowAlignment>("Alignment").OrNull ?? WindowAlignment.TopLeft),
            p => AttentionWindow.FromFlexAttention((FlexAttentionWindow)p)),
        ["KernelGen.HuggingFaceWindowAttribute"] = new(Backend.HuggingFace,
            (a, required) => required("SlidingWindow") is int width ? new HuggingFaceWindow(width, a.Get<bool>("IsCausal").OrNull ?? true) : null,
            p => AttentionWindow.FromHuggingFace((HuggingFaceWindow)p)),
        ["KernelGen.FlashInferWindowAttribute"] = new(Backend.FlashInfer,
            (a, _) => new FlashInferWindow(Int(a, "WindowLeft") ?? -1, Int(a, "WindowRight") ?? -1),
            p => AttentionWindow.FromFlashInfer((FlashInferWindow)p)),
        ["KernelGen.OnnxRuntimeWindowAttribute"] = new(Backend.OnnxRuntime,
            (a, _) => new OnnxRuntimeWindow(Int(a, "LocalWindowSize") ?? -1),
            p => AttentionWindow.FromOnnxRuntime((OnnxRuntimeWindow)p)),
        ["KernelGen.XFormersWindowAttribute"] = new(Backend.XFormers,
            (a, required) => (required("WindowLeft"), required("WindowRight")) is (int left, int right) ? new XFormersWindow(left, right) : null,
            p => AttentionWindow.FromXFormers((XFormersWindow)p)),
        ["KernelGen.JaxWindowAttribute"] = new(Backend.Jax,
            (a, required) => (required("Left"), required("Right")) is (int left, int right) ? new JaxWindow(left, right) : null,
            p => AttentionWindow.FromJax((JaxWindow)p)),
    };

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
            if (!BackendParameters.TryConvert(window, pin.Backend, out var expected, out var reason))
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.TargetCannotExpressWindow, arguments.Location, className, WindowConventions.DisplayName(pin.Backend), window, reason));
                continue;
            }

            var shortName = attribute.AttributeClass!.Name.Substring(0, attribute.AttributeClass.Name.Length - "Attribute".Length);
            var parameters = pin.Read(arguments, argument => Required(className, shortName, arguments, argument, diagnostics));
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
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidArgument, arguments.Location, className, shortName, BackendParameters.Format(parameters), exception.Message));
                continue;
            }

            if (pinnedWindow != window)
            {
                diagnostics.Add(Diagnostic.Create(
                    DiagnosticDescriptors.PinnedWindowMismatch, arguments.Location,
                    $"{shortName}({BackendParameters.Format(parameters)})", className, window, WindowConventions.DisplayName(pin.Backend),
                    Difference(window, pinnedWindow), $"{shortName}({BackendParameters.Format(expected!)})"));
            }
        }

        foreach (var target in targets.Where(t => !pinned.Contains(t)).Distinct())
        {
            if (!BackendParameters.TryConvert(window, target, out _, out var reason))
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.TargetCannotExpressWindow, targetsLocation, className, WindowConventions.DisplayName(target), window, reason));
            }
        }
    }

    /// <summary>The first query, for a square and a decoding shape, whose keys differ, in words.</summary>
    private static string Difference(AttentionWindow expected, AttentionWindow actual)
    {
        long widest = new long?[] { expected.Left, expected.Right, actual.Left, actual.Right }.Max(b => b is long value ? Math.Abs(value) : 0);
        var length = (int)Math.Min(Math.Max(widest + 2, 8), int.MaxValue / 2);
        foreach (var (seqQ, seqK) in new[] { (length, length), (1, length) })
        {
            var candidates = Enumerable.Range(0, Math.Min(seqQ, 64)).Concat(new[] { seqQ - 1, seqQ / 2 }).Distinct();
            foreach (var query in candidates)
            {
                var want = expected.VisibleKeys(query, seqQ, seqK);
                var got = actual.VisibleKeys(query, seqQ, seqK);
                if (want != got)
                {
                    return $"{Describe(got)} instead of {Describe(want)} to query {query} (SeqQ = {seqQ}, SeqK = {seqK})";
                }
            }
        }

        return $"{actual}";

        static string Describe(KeyRange keys) => keys.IsEmpty ? "no key" : keys.Count == 1 ? $"key {keys.Start} only" : $"keys {keys.Start}..{keys.End - 1} ({keys.Count} keys)";
    }

    private static int? Int(AttributeArguments arguments, string name) => arguments.Get<int>(name).OrNull;

    private static int? Required(string className, string attribute, AttributeArguments arguments, string name, List<Diagnostic> diagnostics)
    {
        var value = Int(arguments, name);
        if (value is null && !arguments.IsGiven(name))
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidArgument, arguments.Location, className, $"{attribute}.{name}", "(not given)", "the backend has no default for it; give it"));
        }

        return value;
    }
}
