using System;
using System.Collections.Generic;

namespace KernelGen.Runtime.Tests.Conventions;

/// <summary>Each backend's conversions and native predicate behind one shape, so one property test covers them all.</summary>
public sealed record BackendCase(
    Backend Backend,
    Func<AttentionWindow, (bool Ok, object? Parameters, string? Reason)> TryTo,
    Func<AttentionWindow, object> To,
    Func<object, AttentionWindow> From,
    Func<object, int, int, int, int, bool> IsVisible,
    Func<Random, object> RandomParameters)
{
    public override string ToString() => Backend.ToString();

    private static int? Bound(Random random, int min = -3) => random.Next(6) == 0 ? null : random.Next(min, 20);

    private static WindowAlignment Alignment(Random random) => random.Next(2) == 0 ? WindowAlignment.BottomRight : WindowAlignment.TopLeft;

    private static BackendCase Of<T>(
        Backend backend, TryConvert<T> tryTo, Func<AttentionWindow, T> to, Func<T, AttentionWindow> from,
        Func<T, int, int, int, int, bool> isVisible, Func<Random, T> random)
        where T : notnull =>
        new(backend,
            window => tryTo(window, out var parameters, out var reason) ? (true, parameters, null) : (false, null, reason),
            window => to(window), parameters => from((T)parameters),
            (parameters, query, key, seqQ, seqK) => isVisible((T)parameters, query, key, seqQ, seqK),
            r => random(r));

    private delegate bool TryConvert<T>(AttentionWindow window, out T parameters, out string? reason);

    public static IReadOnlyList<BackendCase> All { get; } = new[]
    {
        Of<FlashAttentionWindow>(Backend.FlashAttention2, (AttentionWindow w, out FlashAttentionWindow p, out string? r) => w.TryToFlashAttention(out p, out r), w => w.ToFlashAttention(), AttentionWindow.FromFlashAttention,
            (p, i, j, sq, sk) => p.IsVisible(i, j, sq, sk), r => new(r.Next(-1, 20), r.Next(-1, 20))),
        Of<FlashAttention4Window>(Backend.FlashAttention4, (AttentionWindow w, out FlashAttention4Window p, out string? r) => w.TryToFlashAttention4(out p, out r), w => w.ToFlashAttention4(), AttentionWindow.FromFlashAttention4,
            (p, i, j, sq, sk) => p.IsVisible(i, j, sq, sk), r => new(Bound(r), Bound(r))),
        Of<CuDnnWindow>(Backend.CuDnn, (AttentionWindow w, out CuDnnWindow p, out string? r) => w.TryToCuDnn(out p, out r), w => w.ToCuDnn(), AttentionWindow.FromCuDnn,
            (p, i, j, sq, sk) => p.IsVisible(i, j, sq, sk), r => new(Bound(r), Bound(r), Alignment(r))),
        Of<TransformerEngineWindow>(Backend.TransformerEngine, (AttentionWindow w, out TransformerEngineWindow p, out string? r) => w.TryToTransformerEngine(out p, out r), w => w.ToTransformerEngine(), AttentionWindow.FromTransformerEngine,
            (p, i, j, sq, sk) => p.IsVisible(i, j, sq, sk), r => new(r.Next(-1, 20), r.Next(-1, 20), (TransformerEngineMaskType)r.Next(3), r.Next(2) == 0)),
        Of<FlexAttentionWindow>(Backend.FlexAttention, (AttentionWindow w, out FlexAttentionWindow p, out string? r) => w.TryToFlexAttention(out p, out r), w => w.ToFlexAttention(), AttentionWindow.FromFlexAttention,
            (p, i, j, sq, sk) => p.IsVisible(i, j, sq, sk), r => new(Bound(r), Bound(r), Alignment(r))),
        Of<HuggingFaceWindow>(Backend.HuggingFace, (AttentionWindow w, out HuggingFaceWindow p, out string? r) => w.TryToHuggingFace(out p, out r), w => w.ToHuggingFace(), AttentionWindow.FromHuggingFace,
            (p, i, j, sq, sk) => p.IsVisible(i, j, sq, sk), r => new(r.Next(1, 20), r.Next(2) == 0)),
        Of<FlashInferWindow>(Backend.FlashInfer, (AttentionWindow w, out FlashInferWindow p, out string? r) => w.TryToFlashInfer(out p, out r), w => w.ToFlashInfer(), AttentionWindow.FromFlashInfer,
            (p, i, j, sq, sk) => p.IsVisible(i, j, sq, sk), r => new(r.Next(-1, 20), r.Next(-1, 20))),
        Of<OnnxRuntimeWindow>(Backend.OnnxRuntime, (AttentionWindow w, out OnnxRuntimeWindow p, out string? r) => w.TryToOnnxRuntime(out p, out r), w => w.ToOnnxRuntime(), AttentionWindow.FromOnnxRuntime,
            (p, i, j, sq, sk) => p.IsVisible(i, j, sq, sk), r => new(r.Next(-1, 20))),
        Of<XFormersWindow>(Backend.XFormers, (AttentionWindow w, out XFormersWindow p, out string? r) => w.TryToXFormers(out p, out r), w => w.ToXFormers(), AttentionWindow.FromXFormers,
            (p, i, j, sq, sk) => p.IsVisible(i, j, sq, sk), r => new(r.Next(0, 20), r.Next(0, 20))),
        Of<JaxWindow>(Backend.Jax, (AttentionWindow w, out JaxWindow p, out string? r) => w.TryToJax(out p, out r), w => w.ToJax(), AttentionWindow.FromJax,
            (p, i, j, sq, sk) => p.IsVisible(i, j, sq, sk), r => new(r.Next(-3, 20), r.Next(-3, 20))),
    };
}
