namespace KernelGen;

/// <summary>
/// How each backend writes a window's bounds, and how its numbers read in KernelGen's canonical form
/// (<see cref="AttentionWindow"/>). Compiled into both the runtime and the generator, so
/// <c>[SlidingWindow(Convention = ...)]</c> and the runtime conversions share one table.
/// </summary>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
static class WindowConventions
{
    /// <summary>The backend's name as its users know it.</summary>
    public static string DisplayName(Backend backend) => backend switch
    {
        Backend.FlashAttention2 => "FlashAttention 2/3",
        Backend.FlashAttention4 => "FlashAttention 4",
        Backend.CuDnn => "cuDNN",
        Backend.TransformerEngine => "TransformerEngine",
        Backend.FlexAttention => "FlexAttention",
        Backend.HuggingFace => "HF transformers",
        Backend.FlashInfer => "FlashInfer",
        Backend.OnnxRuntime => "ONNX Runtime",
        Backend.XFormers => "xformers",
        Backend.Jax => "JAX",
        _ => backend.ToString(),
    };

    /// <summary>How the backend's numbers read in the normal form (inclusive left L and right R).</summary>
    public static string NormalForm(Backend backend) => backend switch
    {
        Backend.FlashAttention2 => "L = window_size[0], R = window_size[1]; -1 = unbounded",
        Backend.FlashAttention4 => "L = window_size[0], R = window_size[1]; None = unbounded; negative = literal offset",
        Backend.CuDnn => "L = diagonal_band_left_bound - 1, R = diagonal_band_right_bound",
        Backend.TransformerEngine => "L = window_size[0], R = window_size[1] (0 for causal types); -1 = unbounded",
        Backend.FlexAttention => "mask_mod: q - kv <= L and kv - q <= R, q shifted by KV_LEN - Q_LEN for bottom-right",
        Backend.HuggingFace => "causal: L = sliding_window - 1, R = 0; bidirectional: L = R = sliding_window",
        Backend.FlashInfer => "L = window_left, R = window_right; -1 = unbounded",
        Backend.OnnxRuntime => "L = local_window_size - 1, R = 0; -1 = unbounded; 0 hides every key (CPU kernels of 1.30.0, 1.31.0 and 1.31.1, run here)",
        Backend.XFormers => "L = window_left, R = window_right",
        Backend.Jax => "L = local_window_size[0], R = local_window_size[1]",
        _ => backend.ToString(),
    };

    /// <summary>Where the convention was read, or run.</summary>
    public static string Source(Backend backend) => backend switch
    {
        Backend.FlashAttention2 => "flash-attn `csrc/flash_attn/src/mask.h`, `flash_attn_interface.py`",
        Backend.FlashAttention4 => "flash-attn `flash_attn/cute/mask.py`, `flash_attn/cute/interface.py`",
        Backend.CuDnn => "cudnn-frontend `include/cudnn_frontend/graph_properties.h`, python `sdpa` binding",
        Backend.TransformerEngine => "TransformerEngine `pytorch/attention/dot_product_attention/utils.py` (`get_full_mask`); issue #1197, PR #1212",
        Backend.FlexAttention => "attention-gym `attn_gym/masks/sliding_window.py`",
        Backend.HuggingFace => "transformers `src/transformers/masking_utils.py`",
        Backend.FlashInfer => "flashinfer `include/flashinfer/attention/variants.cuh`",
        Backend.OnnxRuntime => "run: Microsoft.ML.OnnxRuntime CPU execution provider 1.30.0, 1.31.0, 1.31.1 (`tests/KernelGen.Backends.Tests`); the CUDA provider was not run (no GPU here); read: `contrib_ops/cpu/bert/gqa_attention_base.h`",
        Backend.XFormers => "xformers `xformers/ops/fmha/attn_bias.py`",
        Backend.Jax => "jax `jax/_src/nn/functions.py`",
        _ => backend.ToString(),
    };

    /// <summary>Whether <paramref name="value"/> names a member of <see cref="Backend"/>.</summary>
    public static bool IsDefined(Backend value) => value >= Backend.FlashAttention2 && value <= Backend.Jax;

    /// <summary>The value the backend reads as "unbounded", or <see langword="null"/> when it has no such sentinel.</summary>
    public static int? UnboundedSentinel(Backend backend) => backend switch
    {
        Backend.FlashAttention2 or Backend.TransformerEngine or Backend.FlashInfer or Backend.OnnxRuntime => -1,
        _ => null,
    };

    /// <summary>
    /// The alignment the backend uses when the caller says nothing, or <see langword="null"/> when it is not
    /// bottom-right (or depends on a mask type): then a window written in its convention must state its alignment.
    /// </summary>
    public static WindowAlignment? ImpliedAlignment(Backend backend, bool causal) => backend switch
    {
        Backend.CuDnn or Backend.Jax or Backend.FlexAttention => null,
        Backend.TransformerEngine when causal => null,
        _ => WindowAlignment.BottomRight,
    };

    /// <summary>
    /// Reads bounds written in <paramref name="backend"/>'s convention (<see langword="null"/> = not given) as
    /// canonical inclusive bounds, through the same <c>AttentionWindow.FromX</c> conversions the runtime uses.
    /// Returns <see langword="false"/> with a sentence in <paramref name="error"/> when the numbers mean nothing
    /// in that convention.
    /// </summary>
    public static bool TryRead(
        Backend backend, int? left, int? right, bool causal,
        out int? canonicalLeft, out int? canonicalRight, out string? error)
    {
        canonicalLeft = canonicalRight = null;
        if (!TryCheckBound(backend, "Left", left, out error) || !TryCheckBound(backend, "Right", right, out error))
        {
            return false;
        }

        // An omitted bound is unbounded; in conventions with a sentinel that is the sentinel.
        var sentinel = UnboundedSentinel(backend) ?? 0;
        AttentionWindow window;
        switch (backend)
        {
            case Backend.FlashAttention2:
                window = AttentionWindow.FromFlashAttention(new FlashAttentionWindow(left ?? sentinel, right ?? sentinel));
                break;
            case Backend.FlashAttention4:
                window = AttentionWindow.FromFlashAttention4(new FlashAttention4Window(left, right));
                break;
            case Backend.CuDnn:
                window = AttentionWindow.FromCuDnn(new CuDnnWindow(left, right, WindowAlignment.BottomRight));
                break;
            case Backend.TransformerEngine:
                window = AttentionWindow.FromTransformerEngine(new TransformerEngineWindow(left ?? sentinel, right ?? sentinel, TransformerEngineMaskType.NoMask, true));
                break;
            case Backend.FlexAttention:
                window = AttentionWindow.FromFlexAttention(new FlexAttentionWindow(left, right, WindowAlignment.BottomRight));
                break;
            case Backend.HuggingFace:
                if (!TryReadHuggingFace(left, right, causal, out var huggingFace, out error))
                {
                    return false;
                }

                window = AttentionWindow.FromHuggingFace(huggingFace);
                break;
            case Backend.FlashInfer:
                window = AttentionWindow.FromFlashInfer(new FlashInferWindow(left ?? sentinel, right ?? sentinel));
                break;
            case Backend.OnnxRuntime:
                if (right is int onnxRight && onnxRight != 0)
                {
                    error = "ONNX Runtime's GroupQueryAttention is always causal and has no right bound: give Right = 0 or omit it";
                    return false;
                }

                window = AttentionWindow.FromOnnxRuntime(new OnnxRuntimeWindow(left ?? sentinel));
                break;
            default:
                // xformers and JAX take plain inclusive bounds on both sides.
                window = new AttentionWindow(left, right);
                break;
        }

        canonicalLeft = window.Left;
        canonicalRight = window.Right;
        return true;
    }

    /// <summary>
    /// Checks one written bound: values below 0 mean something only as <paramref name="convention"/>'s own
    /// unbounded sentinel. With no convention the bound is a plain key count.
    /// </summary>
    public static bool TryCheckBound(Backend? convention, string side, int? value, out string? error)
    {
        error = null;
        var sentinel = convention is Backend given ? UnboundedSentinel(given) : null;
        if (value is not int number || number >= 0 || number == sentinel)
        {
            return true;
        }

        error = convention switch
        {
            // Suggest a convention only for a number that some backend reads as unbounded.
            null when number == UnboundedSentinel(Backend.FlashAttention2) => $"{side} = {number}: bounds are key counts of 0 or more. Omit {side} for an unbounded side, or keep {number} under the Convention it comes from (for example Convention = Backend.FlashAttention2 reads -1 as unbounded).",
            null => $"{side} = {number}: bounds are key counts of 0 or more, and no backend reads {number} as unbounded. Omit {side} for an unbounded side.",
            Backend.FlashAttention4 => $"{side} = {number}: FlashAttention 4 reads negative numbers as literal offsets that move the band off the diagonal, not as 'unbounded'; omit {side} for an unbounded side",
            Backend backend when sentinel is int s => $"{side} = {number}: {DisplayName(backend)} takes values of 0 or more, or {s} for unbounded",
            Backend backend => $"{side} = {number}: {DisplayName(backend)} takes values of 0 or more and has no 'unbounded' sentinel; omit {side} for an unbounded side",
        };
        return false;
    }

    private static bool TryReadHuggingFace(int? left, int? right, bool causal, out HuggingFaceWindow window, out string? error)
    {
        window = default;
        error = null;
        if (left is not int width || width < 1)
        {
            error = "HF transformers' sliding_window is a positive key count W: give it as Left = W";
            return false;
        }

        if (right == 0 || (right is null && causal))
        {
            window = new HuggingFaceWindow(width, IsCausal: true);
            return true;
        }

        if (right == width)
        {
            window = new HuggingFaceWindow(width, IsCausal: false);
            return true;
        }

        error = $"HF transformers' sliding_window = {width} describes either a causal window (Right = 0 or Causal = true) or a bidirectional one (Right = {width})";
        return false;
    }
}
