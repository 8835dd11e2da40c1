using System;
using System.Collections.Generic;

namespace KernelGen;

/// <summary>
/// Microsoft.ML.GenAI's causal mask with <c>slidingWindow</c> (<c>AttentionMaskConverter.MakeCasualMask</c> in
/// <c>src/Microsoft.ML.GenAI.Core/Utility/AttentionMaskConverter.cs</c>, fed <c>config.SlidingWindow</c> by the models).
/// It fills a <c>[tgt, tgt]</c> mask <c>tril(ones, past - window - 1)</c> into the <c>[tgt, tgt + past]</c> causal mask,
/// where HF's Python builds that mask on the full shape. In a prefill (no cached keys) that shows
/// <c>window + 1</c> keys, one more than HF's <c>sliding_window</c>. It is no sliding window at all when queries
/// follow cached keys: a decode step past the window hides every key, and a prefill after cached keys fails;
/// <see cref="AppliesWindow"/> says which.
/// </summary>
/// <param name="SlidingWindow"><c>slidingWindow</c>, or <see langword="null"/> for none (a causal mask).</param>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct MicrosoftMLGenAIWindow(int? SlidingWindow)
{
    /// <summary>
    /// <c>MakeCasualMask</c>'s test: causal on the <c>[tgt, tgt + past]</c> mask, then the <c>[tgt, tgt]</c> window mask,
    /// which a single query (decode) broadcasts over its whole row.
    /// </summary>
    /// <exception cref="InvalidOperationException">Lengths at which Microsoft.ML.GenAI cannot build the mask.</exception>
    public bool IsVisible(int query, int key, int queryLength, int keyValueLength)
    {
        long past = (long)keyValueLength - queryLength;
        if (!CanBuildMask(queryLength, past, out var failure))
        {
            throw new InvalidOperationException(failure);
        }

        var hiddenByWindow = SlidingWindow is int window
            && (queryLength == 1 ? past - window - 1 >= 0 : key - query <= past - window - 1);
        return key >= 0 && key < keyValueLength && key <= query + past && !hiddenByWindow;
    }

    /// <summary>
    /// Whether Microsoft.ML.GenAI applies this sliding window at these lengths; when it does not, <paramref name="reason"/>
    /// says what it does instead.
    /// </summary>
    public bool AppliesWindow(int queryLength, int keyValueLength, out string? reason)
    {
        long past = (long)keyValueLength - queryLength;
        reason = !CanBuildMask(queryLength, past, out var failure) ? failure
            : SlidingWindow is int window && queryLength == 1 && past >= (long)window + 1
                ? $"a decode step after {past} cached keys, past the window (sliding_window + 1 = {(long)window + 1}): the 1 x 1 window mask broadcasts over the whole row and hides every key (the dtype's minimum everywhere, so softmax averages all keys)"
            : null;
        return reason is null;
    }

    private bool CanBuildMask(int queryLength, long past, out string? failure)
    {
        failure = past < 0 ? "Microsoft.ML.GenAI's keys are the cached keys followed by the queries' own, so there are never fewer keys than queries"
            : SlidingWindow is not null && past > 0 && queryLength > 1
                ? $"a prefill of {queryLength} queries after {past} cached keys fails: MakeCasualMask fills a [tgt, tgt] window mask into the [tgt, tgt + past] causal mask, and the shapes do not broadcast"
            : null;
        return failure is null;
    }
}

readonly partial record struct AttentionWindow
{
    /// <summary>This window as Microsoft.ML.GenAI's <c>slidingWindow</c>, or the reason it has none.</summary>
    public bool TryToMicrosoftMLGenAI(out MicrosoftMLGenAIWindow window, out string? reason)
    {
        if (BackendDescriptor.For(Backend.MicrosoftMLGenAI).ChunkOrSinkRefusal(this) is string refusal)
        {
            (window, reason) = (default, refusal);
            return false;
        }

        window = default;
        reason = Alignment != WindowAlignment.BottomRight ? "Microsoft.ML.GenAI puts the cached keys before the queries', which is bottom-right alignment"
            : Right != 0 ? "MicrosoftMLGenAIWindow describes AttentionMaskConverter's causal masks (it throws NotImplementedException for a sliding window on a non-causal one)"
            : Left < 0 ? "Microsoft.ML.GenAI's slidingWindow shows slidingWindow + 1 keys up to the query's own; it cannot hide the query's own key"
            : null;
        if (reason is null)
        {
            window = new MicrosoftMLGenAIWindow(Left);
        }

        return reason is null;
    }

    /// <summary>This window as Microsoft.ML.GenAI's <c>slidingWindow</c>: <c>Left</c> itself.</summary>
    /// <exception cref="WindowNotExpressibleException">Microsoft.ML.GenAI cannot express it.</exception>
    public MicrosoftMLGenAIWindow ToMicrosoftMLGenAI() =>
        TryToMicrosoftMLGenAI(out var window, out var reason) ? window : throw new WindowNotExpressibleException(Backend.MicrosoftMLGenAI, this, reason!);

    /// <summary>The window Microsoft.ML.GenAI applies in a prefill (and in decode steps within the window) for <paramref name="window"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative <c>slidingWindow</c>.</exception>
    public static AttentionWindow FromMicrosoftMLGenAI(MicrosoftMLGenAIWindow window) =>
        window.SlidingWindow < 0
            ? throw new ArgumentOutOfRangeException(nameof(window), window.SlidingWindow, "slidingWindow must be 0 or more.")
            : Causal(window.SlidingWindow);
}

/// <summary>Pins Microsoft.ML.GenAI's <c>slidingWindow</c> on a spec. Omitted: none (a causal mask).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
sealed class MicrosoftMLGenAIWindowAttribute : Attribute
{
    /// <summary><c>slidingWindow</c> (<c>config.SlidingWindow</c>).</summary>
    public int SlidingWindow { get; set; }
}

/// <summary>Microsoft.ML.GenAI (dotnet/machinelearning), its eager attention mask.</summary>
internal sealed class MicrosoftMLGenAIBackend : BackendDescriptor<MicrosoftMLGenAIWindow, MicrosoftMLGenAIWindowAttribute>
{
    public override Backend Backend => Backend.MicrosoftMLGenAI;

    public override string DisplayName => "Microsoft.ML.GenAI";

    public override string NormalForm => "L = slidingWindow, R = 0 (slidingWindow + 1 keys, where HF's sliding_window of the same number shows one fewer), in a prefill or a decode step within the window; a decode step past the window (every key hidden) and a prefill after cached keys (fails) are refused";

    public override string Source => "dotnet/machinelearning `src/Microsoft.ML.GenAI.Core/Utility/AttentionMaskConverter.cs` `MakeCasualMask` (280c9985: `tril(ones([tgtLen, tgtLen]), pastKeyValuesLength - window - 1)` filled into the `[tgtLen, tgtLen + past]` causal mask), given `config.SlidingWindow` by `src/Microsoft.ML.GenAI.Phi/Module/Phi3Model.cs`";

    public override bool TryReadConvention(int? left, int? right, bool causal, out int? canonicalLeft, out int? canonicalRight, out string? error)
    {
        canonicalLeft = canonicalRight = null;
        if (left is not int window)
        {
            error = "Microsoft.ML.GenAI's slidingWindow is a key count: give it as Left = slidingWindow";
            return false;
        }

        if (right != 0 && !(right is null && causal))
        {
            error = "Microsoft.ML.GenAI builds sliding windows on causal masks only: give Right = 0 or Causal = true";
            return false;
        }

        var read = AttentionWindow.FromMicrosoftMLGenAI(new MicrosoftMLGenAIWindow(window));
        (canonicalLeft, canonicalRight, error) = (read.Left, read.Right, null);
        return true;
    }

    protected override bool TryConvert(AttentionWindow window, out MicrosoftMLGenAIWindow parameters, out string? reason) =>
        window.TryToMicrosoftMLGenAI(out parameters, out reason);

    protected override AttentionWindow ToWindow(MicrosoftMLGenAIWindow parameters) => AttentionWindow.FromMicrosoftMLGenAI(parameters);

    protected override bool IsVisible(MicrosoftMLGenAIWindow parameters, int query, int key, int seqQ, int seqK) =>
        parameters.IsVisible(query, key, seqQ, seqK);

    protected override bool AppliesWindow(MicrosoftMLGenAIWindow parameters, int seqQ, int seqK, out string? reason) =>
        parameters.AppliesWindow(seqQ, seqK, out reason);

    // An omitted slidingWindow is null, no window, which the attribute cannot spell: its initialiser is never read.
    protected override MicrosoftMLGenAIWindow? Read(PinArguments pin) =>
        new MicrosoftMLGenAIWindow(pin.Get<int>(nameof(MicrosoftMLGenAIWindowAttribute.SlidingWindow)));

    protected override GeneratedBackendClass Describe(MicrosoftMLGenAIWindow parameters)
    {
        var constants = new List<BackendConstant>();
        var setup = new List<string>
        {
            "// AttentionMaskConverter.MakeCasualMask: causal on [tgt, tgt + past], then tril(ones([tgt, tgt]), past - window - 1) masked.",
            "long past = (long)keyValueLength - queryLength;",
            "if (past < 0) throw new global::System.InvalidOperationException(\"the keys are the cached keys followed by the queries' own\");",
        };
        var conditions = new List<string> { "key >= 0", "key < keyValueLength", "key <= query + past" };
        var usage = new List<string>();
        if (parameters.SlidingWindow is int window)
        {
            constants.Add(BackendConstant.Int("SlidingWindow", window, "slidingWindow: a prefill shows SlidingWindow + 1 keys, the query's own included."));
            setup.Add("if (past > 0 && queryLength > 1) throw new global::System.InvalidOperationException(\"a [tgt, tgt] window mask does not broadcast over the [tgt, tgt + past] causal mask\");");
            conditions.Add("!(queryLength == 1 ? past - SlidingWindow - 1 >= 0 : key - query <= past - SlidingWindow - 1)");
            usage.Add($"// config.SlidingWindow = {window}: AttentionMaskConverter.Create4DCausalAttentionMask(mask, shape, dtype, device, past, slidingWindow: {window})");
            usage.Add($"// A prefill shows {(long)window + 1} keys. Not a sliding window: a decode step after {(long)window + 1} or more cached keys hides every key,");
            usage.Add("// and a prefill after cached keys throws (the window mask's shape does not broadcast).");
        }
        else
        {
            usage.Add("// config.SlidingWindow = null: AttentionMaskConverter.Create4DCausalAttentionMask builds a causal mask");
        }

        return new(
            constants, parameters.SlidingWindow.HasValue ? "SlidingWindow" : "null",
            "query", "key", "queryLength", "keyValueLength",
            setup, conditions, usage);
    }
}
