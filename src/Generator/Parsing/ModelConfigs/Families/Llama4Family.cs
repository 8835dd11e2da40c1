namespace KernelGen.Generator.Parsing.ModelConfigs.Families;

/// <summary>
/// Llama 4 (<c>configuration_llama4.py</c>; fields in <c>text_config</c> of a <c>llama4</c> config): layers with RoPE
/// are chunked, NoPE layers full (<c>"chunked_attention" if no_rope else "full_attention"</c>, where a 1 in
/// <c>no_rope_layers</c> means the layer uses RoPE); an absent or empty <c>no_rope_layers</c> becomes
/// <c>int((i + 1) % no_rope_layer_interval != 0)</c> with an interval of 4, so layers 3, 7, 11, ... are full. Scale
/// <c>head_dim**-0.5</c>. The NoPE layers' temperature tuning (<c>attn_temperature_tuning</c>) scales the queries by
/// position before the attention call, so it is the caller's, not the kernel's.
/// </summary>
internal sealed class Llama4Family : ModelFamily
{
    /// <summary>Llama4TextConfig's <c>no_rope_layer_interval: int = 4</c>: Scout's published config relies on it.</summary>
    private const int DefaultNoRopeLayerInterval = 4;

    public override string ModelType => "llama4_text";

    public override string? CompositeModelType => "llama4";

    protected override string? DefaultLayerType(ConfigFields fields, int layer, int layers)
    {
        var noRopeLayers = fields.OptionalInts("no_rope_layers");
        if (noRopeLayers is { Count: > 0 })
        {
            if (noRopeLayers.Count < layers || noRopeLayers[layer] is not (0 or 1))
            {
                fields.Contradiction($"{fields.Name("no_rope_layers")} must hold a 0 or 1 for each of the {layers} layers");
                return null;
            }

            return noRopeLayers[layer] == 1 ? "chunked_attention" : "full_attention";
        }

        if (fields.Has("no_rope_layers") && noRopeLayers is null)
        {
            return null; // Present but not a list of integers: reported.
        }

        var interval = fields.IsWritten("no_rope_layer_interval")
            ? fields.RequiredPositiveInt("no_rope_layer_interval", "sets which layers are chunked")
            : DefaultNoRopeLayerInterval;
        return interval is int every ? (layer + 1) % every != 0 ? "chunked_attention" : "full_attention" : null;
    }
}
