namespace KernelGen;

/// <summary>
/// ONNX Runtime's <c>com.microsoft.GroupQueryAttention</c> attribute <c>local_window_size</c>: always causal, the query
/// sees its own key and <c>LocalWindowSize</c> keys before it, <c>-1</c> = unbounded, bottom-right (past keys first).
/// Read in <c>onnxruntime/contrib_ops/cpu/bert/gqa_attention_base.h</c> and run here on the 1.31.1 CPU kernel.
/// Older CPU kernels tested <c>local_window_size_ &gt; 0</c> and so read 0 as unbounded: avoid 0 with them.
/// </summary>
/// <param name="LocalWindowSize">Keys before the diagonal, or -1 for all of them.</param>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
readonly record struct OnnxRuntimeWindow(int LocalWindowSize)
{
    /// <summary>ONNX Runtime's test: with <c>causal = past + seq + 1</c> keys, those from <c>causal - W - 1</c> on are visible.</summary>
    public bool IsVisible(int seq, int totalSeqId, int sequenceLength, int totalSequenceLength)
    {
        long pastSequenceLength = (long)totalSequenceLength - sequenceLength;
        var seqCausalLength = pastSequenceLength + seq + 1;
        var startOffset = LocalWindowSize >= 0 && seqCausalLength > (long)LocalWindowSize + 1 ? seqCausalLength - LocalWindowSize - 1 : 0;
        return totalSeqId >= startOffset && totalSeqId < seqCausalLength && totalSeqId < totalSequenceLength;
    }
}

readonly partial record struct AttentionWindow
{
    /// <summary>This window as ONNX Runtime's <c>local_window_size</c>, or the reason it has none.</summary>
    public bool TryToOnnxRuntime(out OnnxRuntimeWindow window, out string? reason)
    {
        window = default;
        reason = Alignment != WindowAlignment.BottomRight ? "GroupQueryAttention puts past keys first, which is bottom-right alignment"
            : Right != 0 ? "GroupQueryAttention is always causal: it has no right bound"
            : Left < 0 ? "local_window_size reads -1 as 'unbounded' and cannot move the band off the diagonal"
            : null;
        if (reason is null)
        {
            window = new OnnxRuntimeWindow(Left ?? -1);
        }

        return reason is null;
    }

    /// <summary>This window as ONNX Runtime's <c>local_window_size</c>.</summary>
    /// <exception cref="WindowNotExpressibleException">GroupQueryAttention cannot express it.</exception>
    public OnnxRuntimeWindow ToOnnxRuntime() =>
        TryToOnnxRuntime(out var window, out var reason) ? window : throw new WindowNotExpressibleException(Backend.OnnxRuntime, this, reason!);

    /// <summary>The window GroupQueryAttention applies for <paramref name="window"/>.</summary>
    public static AttentionWindow FromOnnxRuntime(OnnxRuntimeWindow window) => new(Sentinel(window.LocalWindowSize, nameof(window.LocalWindowSize)), 0);
}
