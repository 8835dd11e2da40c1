namespace KernelGen.Generator.Parsing.ModelConfigs.Families;

/// <summary>
/// Gemma 2 (<c>configuration_gemma2.py</c>): layers alternate, sliding first
/// (<c>"sliding_attention" if bool((i + 1) % 2) else "full_attention"</c>); <c>modeling_gemma2.py</c> scales by
/// <c>query_pre_attn_scalar**-0.5</c> and soft-caps scores with <c>attn_logit_softcapping</c>. Its <c>head_dim</c>
/// default (256) is not <c>hidden_size / num_attention_heads</c> (3584 / 16 = 224 for 9B), so it must be written.
/// </summary>
internal sealed class Gemma2Family : ModelFamily
{
    public override string ModelType => "gemma2";

    protected override string? DefaultLayerType(ConfigFields fields, int layer, int layers) =>
        (layer + 1) % 2 != 0 ? "sliding_attention" : "full_attention";

    protected override int? HeadDim(ConfigFields fields, int heads) =>
        fields.RequiredPositiveInt("head_dim", "gives the head size (Gemma2Config's default, 256, is not hidden_size / num_attention_heads)");

    protected override (double Scale, string Rule) Scale(ConfigFields fields, int headDim) => QueryPreAttnScalar(fields);

    /// <summary><c>null</c> turns soft capping off; an absent field would be Gemma2Config's default, 50.0, which KernelGen does not assume.</summary>
    protected override double? LogitSoftCap(ConfigFields fields) =>
        fields.IsWritten("attn_logit_softcapping")
            ? fields.OptionalPositiveNumber("attn_logit_softcapping")
            : fields.RequiredPositiveNumber("attn_logit_softcapping", "sets the score soft cap (write null for none; Gemma2Config's default is 50.0)");
}
