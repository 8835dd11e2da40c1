namespace KernelGen.Generator.Parsing.ModelConfigs.Families;

/// <summary>
/// gpt-oss (<c>configuration_gpt_oss.py</c>, <c>modeling_gpt_oss.py</c>): layers alternate, sliding first
/// (<c>"sliding_attention" if bool((i + 1) % 2)</c>; the published configs list <c>layer_types</c>); every layer has
/// <c>self.sinks = nn.Parameter(torch.empty(config.num_attention_heads))</c>, a learned logit per head that joins the
/// softmax denominator (<c>Sinks = true</c>); scale <c>head_dim**-0.5</c>.
/// </summary>
internal sealed class GptOssFamily : ModelFamily
{
    public override string ModelType => "gpt_oss";

    protected override bool Sinks => true;

    protected override string? DefaultLayerType(ConfigFields fields, int layer, int layers) =>
        (layer + 1) % 2 != 0 ? "sliding_attention" : "full_attention";
}
