namespace KernelGen;

/// <summary>
/// An attention library whose window parameters KernelGen reads and writes. Each member names one
/// convention: the same numbers mean different keys in different members.
/// </summary>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
enum Backend
{
    /// <summary>FlashAttention 2 and 3: <c>window_size=(left, right)</c>, both inclusive, <c>-1</c> = unbounded, bottom-right.</summary>
    FlashAttention2 = 1,

    /// <summary>FlashAttention 4 (cute): <c>window_size=(left, right)</c>, inclusive, <c>None</c> = unbounded; negative numbers are literal offsets, not sentinels.</summary>
    FlashAttention4 = 2,

    /// <summary>cuDNN frontend: <c>diagonal_band_left_bound</c> is exclusive (left = bound - 1), <c>diagonal_band_right_bound</c> inclusive, top-left by default.</summary>
    CuDnn = 3,

    /// <summary>TransformerEngine: <c>window_size=(left, right)</c>, inclusive, <c>-1</c> = unbounded; its <c>causal</c> mask type is top-left.</summary>
    TransformerEngine = 4,

    /// <summary>PyTorch FlexAttention (attention-gym <c>sliding_window</c>): <c>q_idx - kv_idx &lt;= W</c> on raw indices, so top-left unless the caller adds an offset.</summary>
    FlexAttention = 5,

    /// <summary>HF transformers <c>sliding_window = W</c>: causal <c>q - W &lt; kv &lt;= q</c> (W keys), bidirectional <c>|q - kv| &lt;= W</c>.</summary>
    HuggingFace = 6,

    /// <summary>FlashInfer: <c>window_left</c>, <c>window_right</c>, inclusive, <c>-1</c> = unbounded, bottom-right.</summary>
    FlashInfer = 7,

    /// <summary>ONNX Runtime <c>GroupQueryAttention</c>: <c>local_window_size</c>, <c>-1</c> = unbounded, always causal.</summary>
    OnnxRuntime = 8,

    /// <summary>xformers <c>LocalAttentionFromBottomRightMask(window_left, window_right)</c>: inclusive, bottom-right.</summary>
    XFormers = 9,

    /// <summary>JAX <c>dot_product_attention(local_window_size=(left, right))</c>: inclusive, on raw indices (top-left).</summary>
    Jax = 10,

    /// <summary>llama.cpp / ggml: <c>n_swa</c> and <c>swa_type</c>; the standard type hides keys with <c>p1 - p0 &gt;= n_swa</c> (n_swa keys), bottom-right.</summary>
    LlamaCpp = 11,

    /// <summary>ONNX's standard <c>Attention</c>, opset 25 on onnx main (unreleased): <c>left_window_size</c>, <c>right_window_size</c>, inclusive, <c>-1</c> = unbounded, top-left without a cache.</summary>
    OnnxAttention = 12,

    /// <summary>vLLM: HF's <c>sliding_window = W</c>, passed to FlashAttention as <c>(W - 1, 0)</c> and to FlashInfer as <c>window_left = W - 1</c>; bottom-right.</summary>
    Vllm = 13,

    /// <summary>Microsoft.ML.GenAI's <c>AttentionMaskConverter</c>: <c>slidingWindow = W</c> shows W + 1 keys in a prefill; decode past the window and a prefill after cached keys are refused.</summary>
    MicrosoftMLGenAI = 14,
}
