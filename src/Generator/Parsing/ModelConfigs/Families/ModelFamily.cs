using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Parsing.ModelConfigs.Families;

/// <summary>
/// One model family's rules for reading its HF config, from its <c>configuration_*.py</c> and <c>modeling_*.py</c>:
/// which layers are sliding, full or chunked, the head size, the scale its attention passes as <c>scaling</c>, the
/// soft cap and sinks. Fields mean different things in different families (Gemma 3's absent <c>head_dim</c> is 256,
/// not <c>hidden_size / num_attention_heads</c>), so a <c>model_type</c> without a family here is refused, not guessed.
/// </summary>
internal abstract class ModelFamily
{
    /// <summary>Every family KernelGen reads.</summary>
    public static IReadOnlyList<ModelFamily> All { get; } = new ModelFamily[]
    {
        new MistralFamily(), new Qwen2Family(), new Gemma2Family(), new Gemma3Family(), new GptOssFamily(), new Llama4Family(),
    };

    /// <summary>The text model's <c>model_type</c>.</summary>
    public abstract string ModelType { get; }

    /// <summary>
    /// The <c>model_type</c> of the multimodal config whose <c>text_config</c> holds this family's fields (HF's
    /// <c>get_text_config()</c>), or <see langword="null"/> when the fields sit at the root.
    /// </summary>
    public virtual string? CompositeModelType => null;

    /// <summary>Learned sink logits per head (gpt-oss's <c>sinks</c> parameter).</summary>
    protected virtual bool Sinks => false;

    /// <summary>The family for a root <c>model_type</c>, or <see langword="null"/>.</summary>
    public static ModelFamily? Find(string modelType) =>
        All.FirstOrDefault(family => family.ModelType == modelType || family.CompositeModelType == modelType);

    /// <summary>
    /// Derives layer <paramref name="layer"/>; <see langword="null"/> when the config cannot say (the problems are
    /// added through <paramref name="fields"/>).
    /// </summary>
    public ModelLayer? Derive(ConfigFields fields, List<ConfigProblem> problems, string path, int layer)
    {
        var before = problems.Count;
        if (fields.OptionalBool("is_causal") == false)
        {
            fields.Unsupported($"{fields.Name("is_causal")} = false makes HF build bidirectional masks (masking_utils.py: create_bidirectional_sliding_window_mask), and KernelGen derives decoder layers only");
        }

        CheckSupported(fields);
        var layers = fields.RequiredPositiveInt("num_hidden_layers", "says which layers exist");
        var heads = fields.RequiredPositiveInt("num_attention_heads", "gives the query heads");
        if (problems.Count > before || layers is not int layerCount || heads is not int headCount)
        {
            return null;
        }

        if (layer < 0 || layer >= layerCount)
        {
            fields.Contradiction($"Layer = {layer}, but the model has layers 0..{layerCount - 1} ({fields.Name("num_hidden_layers")} = {layerCount})");
            return null;
        }

        // Every family's config: "If it is not specified, will default to `num_attention_heads`".
        var kvHeads = fields.OptionalPositiveInt("num_key_value_heads") ?? headCount;
        var layerType = LayerType(fields, layer, layerCount);
        var headDim = HeadDim(fields, headCount);
        if (problems.Count > before || layerType is null || headDim is not int dim)
        {
            return null;
        }

        if (headCount % kvHeads != 0)
        {
            fields.Contradiction($"{fields.Name("num_attention_heads")} = {headCount} is not a multiple of {fields.Name("num_key_value_heads")} = {kvHeads}");
            return null;
        }

        int? slidingWindow = null;
        int? chunkSize = null;
        switch (layerType)
        {
            case "full_attention":
                break;
            case "sliding_attention":
                slidingWindow = SlidingWindow(fields, layer);
                break;
            case "chunked_attention":
                chunkSize = fields.RequiredPositiveInt("attention_chunk_size", $"sets the chunks of chunked_attention layers such as layer {layer}");
                break;
            default:
                fields.Unknown(
                    $"layer {layer} of type \"{layerType}\"",
                    "KernelGen reads full_attention, sliding_attention and chunked_attention; masking_utils.py maps other layer types to masks whose model code KernelGen has not read");
                return null;
        }

        var (scale, scaleRule) = Scale(fields, dim);
        var softCap = LogitSoftCap(fields);
        if (problems.Count > before)
        {
            return null;
        }

        // HF's masks: full_attention is causal_mask_function (kv_idx <= q_idx); sliding_attention adds
        // sliding_window_overlay (kv_idx > q_idx - sliding_window), which AttentionWindow.FromHuggingFace reads;
        // chunked_attention adds chunked_overlay on the causal mask, carried as ChunkSize. Positions are absolute.
        var window = slidingWindow is int width
            ? AttentionWindow.FromHuggingFace(new HuggingFaceWindow(width, IsCausal: true))
            : AttentionWindow.Causal();
        return new ModelLayer(path, ModelType, layer, layerType, window, slidingWindow, chunkSize, dim, headCount, kvHeads, scale, scaleRule, softCap, Sinks);
    }

    /// <summary>The layer's type from HF's default rule, for a config without <c>layer_types</c>.</summary>
    protected abstract string? DefaultLayerType(ConfigFields fields, int layer, int layers);

    /// <summary>Reports what the family's config can describe and KernelGen does not generate.</summary>
    protected virtual void CheckSupported(ConfigFields fields)
    {
    }

    /// <summary>
    /// The head size: <c>head_dim</c>, else <c>hidden_size // num_attention_heads</c>, as Mistral, Qwen2, gpt-oss and
    /// Llama 4 compute it (<c>getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads</c>).
    /// </summary>
    protected virtual int? HeadDim(ConfigFields fields, int heads) =>
        fields.OptionalPositiveInt("head_dim")
        ?? fields.RequiredPositiveInt("hidden_size", "gives the head size (hidden_size // num_attention_heads) when head_dim is absent") / heads;

    /// <summary>The window size of a sliding layer.</summary>
    protected virtual int? SlidingWindow(ConfigFields fields, int layer) =>
        fields.RequiredPositiveInt("sliding_window", $"sets the window of sliding_attention layers such as layer {layer}");

    /// <summary>The <c>scaling</c> passed to the attention function: <c>head_dim ** -0.5</c> unless the family says otherwise.</summary>
    protected virtual (double Scale, string Rule) Scale(ConfigFields fields, int headDim) =>
        (1 / Math.Sqrt(headDim), $"head_dim^-0.5 = 1/sqrt({headDim})");

    /// <summary>The attention logit soft cap, or <see langword="null"/> for none.</summary>
    protected virtual double? LogitSoftCap(ConfigFields fields) => null;

    /// <summary>Gemma's scale: <c>self.scaling = config.query_pre_attn_scalar**-0.5</c>.</summary>
    protected static (double Scale, string Rule) QueryPreAttnScalar(ConfigFields fields)
    {
        var scalar = fields.RequiredPositiveNumber("query_pre_attn_scalar", "sets the softmax scale (query_pre_attn_scalar ** -0.5)") ?? 1;
        return (1 / Math.Sqrt(scalar), $"query_pre_attn_scalar^-0.5 = 1/sqrt({scalar.ToString("R", CultureInfo.InvariantCulture)})");
    }

    private string? LayerType(ConfigFields fields, int layer, int layers)
    {
        if (fields.OptionalStrings("layer_types") is not { } listed)
        {
            // Present but not a list of strings is already reported.
            return fields.Has("layer_types") ? null : DefaultLayerType(fields, layer, layers);
        }

        if (listed.Count != layers)
        {
            fields.Contradiction($"{fields.Name("layer_types")} lists {listed.Count} layers, but {fields.Name("num_hidden_layers")} = {layers}");
            return null;
        }

        return listed[layer];
    }
}
