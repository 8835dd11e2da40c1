namespace KernelGen.Generator.Parsing.ModelConfigs.Families;

/// <summary>
/// Mistral (<c>models/mistral</c>): every layer slides when <c>sliding_window</c> is set and none does when it is
/// <c>null</c> (Mistral 7B v0.2 and later); <c>modeling_mistral.py</c> picks <c>create_sliding_window_causal_mask</c>
/// or <c>create_causal_mask</c> by <c>config.sliding_window is None</c>.
/// </summary>
internal sealed class MistralFamily : ModelFamily
{
    public override string ModelType => "mistral";

    protected override string? DefaultLayerType(ConfigFields fields, int layer, int layers) =>
        fields.Has("sliding_window") ? "sliding_attention" : "full_attention";
}
