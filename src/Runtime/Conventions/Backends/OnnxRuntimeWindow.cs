using System;

namespace KernelGen;

/// <summary>
/// ONNX Runtime's <c>com.microsoft.GroupQueryAttention</c> attribute <c>local_window_size = W</c>: always causal, the
/// query sees <c>W</c> keys, its own included (so the inclusive left bound is <c>W - 1</c>), <c>-1</c> = unbounded,
/// bottom-right (past keys first). Run here on the CPU kernels of 1.30.0, 1.31.0 and 1.31.1
/// (tests/KernelGen.Backends.Tests); the CUDA provider was not run. Other copies of <c>gqa_attention_base.h</c>
/// keep <c>W + 1</c> keys, or read 0 as unbounded: check yours.
/// </summary>
/// <param name="LocalWindowSize">Keys the query sees, its own included, or -1 for all of them.</param>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct OnnxRuntimeWindow(int LocalWindowSize)
{
    /// <summary>ONNX Runtime 1.31.1's test: of <c>seq_causal_length = past + seq + 1</c> keys, the last <c>W</c> are visible.</summary>
    public bool IsVisible(int seq, int totalSeqId, int sequenceLength, int totalSequenceLength)
    {
        long pastSequenceLength = (long)totalSequenceLength - sequenceLength;
        var seqCausalLength = pastSequenceLength + seq + 1;
        var startOffset = LocalWindowSize >= 0 && seqCausalLength > LocalWindowSize ? seqCausalLength - LocalWindowSize : 0;
        return totalSeqId >= startOffset && totalSeqId < seqCausalLength && totalSeqId < totalSequenceLength;
    }
}

readonly partial record struct AttentionWindow
{
    /// <summary>This window as ONNX Runtime's <c>local_window_size</c>, or the reason it has none.</summary>
    public bool TryToOnnxRuntime(out OnnxRuntimeWindow window, out string? reason)
    {
        if (BackendDescriptor.For(Backend.OnnxRuntime).ChunkOrSinkRefusal(this) is string refusal)
        {
            (window, reason) = (default, refusal);
            return false;
        }

        window = default;
        reason = Alignment != WindowAlignment.BottomRight ? "GroupQueryAttention puts past keys first, which is bottom-right alignment"
            : Right != 0 ? "GroupQueryAttention is always causal: it has no right bound"
            : Left < 0 ? "local_window_size reads -1 as 'unbounded' and cannot move the band off the diagonal"
            : Left == int.MaxValue ? "local_window_size would be Left + 1 = 2147483648, beyond int"
            : null;
        if (reason is null)
        {
            window = new OnnxRuntimeWindow(Left is int left ? left + 1 : -1);
        }

        return reason is null;
    }

    /// <summary>This window as ONNX Runtime's <c>local_window_size</c>: <c>Left + 1</c>.</summary>
    /// <exception cref="WindowNotExpressibleException">GroupQueryAttention cannot express it.</exception>
    public OnnxRuntimeWindow ToOnnxRuntime() =>
        TryToOnnxRuntime(out var window, out var reason) ? window : throw new WindowNotExpressibleException(Backend.OnnxRuntime, this, reason!);

    /// <summary>The window GroupQueryAttention applies for <paramref name="window"/>.</summary>
    public static AttentionWindow FromOnnxRuntime(OnnxRuntimeWindow window) =>
        new(Sentinel(window.LocalWindowSize, nameof(window.LocalWindowSize)) is int keys ? keys - 1 : null, 0);
}

/// <summary>Pins ONNX Runtime GroupQueryAttention's <c>local_window_size</c> on a spec. Omitted: <c>-1</c> (unbounded).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
sealed class OnnxRuntimeWindowAttribute : Attribute
{
    /// <summary><c>local_window_size</c>.</summary>
    public int LocalWindowSize { get; set; } = -1;
}

/// <summary>ONNX Runtime's <c>com.microsoft.GroupQueryAttention</c>.</summary>
internal sealed class OnnxRuntimeBackend : BackendDescriptor<OnnxRuntimeWindow, OnnxRuntimeWindowAttribute>
{
    public override Backend Backend => Backend.OnnxRuntime;

    public override string DisplayName => "ONNX Runtime";

    public override string NormalForm => "L = local_window_size - 1, R = 0; -1 = unbounded; 0 hides every key (CPU kernels of 1.30.0, 1.31.0 and 1.31.1, run here)";

    public override string Source => "run: Microsoft.ML.OnnxRuntime CPU execution provider 1.30.0, 1.31.0, 1.31.1 (`tests/KernelGen.Backends.Tests`); the CUDA provider was not run (no GPU here); read: `contrib_ops/cpu/bert/gqa_attention_base.h`";

    public override int? UnboundedSentinel => -1;

    public override bool TryReadConvention(int? left, int? right, bool causal, out int? canonicalLeft, out int? canonicalRight, out string? error)
    {
        canonicalLeft = canonicalRight = null;
        if (right is int onnxRight && onnxRight != 0)
        {
            error = "ONNX Runtime's GroupQueryAttention is always causal and has no right bound: give Right = 0 or omit it";
            return false;
        }

        var window = AttentionWindow.FromOnnxRuntime(new OnnxRuntimeWindow(left ?? -1));
        (canonicalLeft, canonicalRight, error) = (window.Left, window.Right, null);
        return true;
    }

    protected override bool TryConvert(AttentionWindow window, out OnnxRuntimeWindow parameters, out string? reason) =>
        window.TryToOnnxRuntime(out parameters, out reason);

    protected override AttentionWindow ToWindow(OnnxRuntimeWindow parameters) => AttentionWindow.FromOnnxRuntime(parameters);

    protected override bool IsVisible(OnnxRuntimeWindow parameters, int query, int key, int seqQ, int seqK) =>
        parameters.IsVisible(query, key, seqQ, seqK);

    protected override OnnxRuntimeWindow? Read(PinArguments pin) =>
        new OnnxRuntimeWindow(pin.Get<int>(nameof(OnnxRuntimeWindowAttribute.LocalWindowSize)) ?? PinDefaults.LocalWindowSize);

    protected override GeneratedBackendClass Describe(OnnxRuntimeWindow parameters) => new(
        new[] { BackendConstant.Int("LocalWindowSize", parameters.LocalWindowSize, "local_window_size: keys the query sees, its own included (-1: all), as ONNX Runtime 1.31.1 reads it.") },
        "LocalWindowSize", "seq", "totalSeqId", "sequenceLength", "totalSequenceLength",
        new[]
        {
            "// gqa_attention_base.h (1.31.1): seq_causal_length = past + seq + 1; a window keeps its last local_window_size keys.",
            "long seqCausalLength = ((long)totalSequenceLength - sequenceLength) + seq + 1;",
            parameters.LocalWindowSize >= 0
                ? "long startOffset = seqCausalLength > LocalWindowSize ? seqCausalLength - LocalWindowSize : 0;"
                : "long startOffset = 0;",
        },
        new[] { "totalSeqId >= startOffset", "totalSeqId < seqCausalLength", "totalSeqId < totalSequenceLength" },
        new[] { $"helper.make_node(\"GroupQueryAttention\", inputs, outputs, domain=\"com.microsoft\",", $"                 num_heads=heads, kv_num_heads=kv_heads, local_window_size={parameters.LocalWindowSize})" });
}
