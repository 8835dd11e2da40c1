namespace KernelGen.Generator.Parsing.ModelConfigs.Families;

/// <summary>
/// Gemma 3 (<c>configuration_gemma3.py</c>; the 4B to 27B models keep it in <c>text_config</c> of a <c>gemma3</c>
/// config): five sliding layers then one full, <c>"sliding_attention" if bool((i + 1) % sliding_window_pattern)</c>
/// with <c>kwargs.get("sliding_window_pattern", 6)</c>; scale <c>query_pre_attn_scalar**-0.5</c>; soft cap
/// <c>attn_logit_softcapping</c>, default <c>None</c>. <c>head_dim</c> defaults to 256, not
/// <c>hidden_size / num_attention_heads</c> (2560 / 8 = 320 for 4B), so it must be written.
/// </summary>
internal sealed class Gemma3Family : ModelFamily
{
    /// <summary>HF's <c>kwargs.get("sliding_window_pattern", 6)</c>: the published 4B and 12B configs rely on it.</summary>
    private const int DefaultSlidingWindowPattern = 6;

    public override string ModelType => "gemma3_text";

    public override string? CompositeModelType => "gemma3";

    protected override void CheckSupported(ConfigFields fields)
    {
        if (fields.OptionalBool("use_bidirectional_attention") == true)
        {
            fields.Unsupported($"{fields.Name("use_bidirectional_attention")} = true makes every layer bidirectional and HF rewrites sliding_window to sliding_window // 2 + 1");
        }
    }

    protected override string? DefaultLayerType(ConfigFields fields, int layer, int layers)
    {
        var pattern = fields.IsWritten("sliding_window_pattern")
            ? fields.RequiredPositiveInt("sliding_window_pattern", "sets which layers slide")
            : DefaultSlidingWindowPattern;
        return pattern is int every ? (layer + 1) % every != 0 ? "sliding_attention" : "full_attention" : null;
    }

    protected override int? HeadDim(ConfigFields fields, int heads) =>
        fields.RequiredPositiveInt("head_dim", "gives the head size (Gemma3TextConfig's default, 256, is not hidden_size / num_attention_heads)");

    protected override (double Scale, string Rule) Scale(ConfigFields fields, int headDim) => QueryPreAttnScalar(fields);

    protected override double? LogitSoftCap(ConfigFields fields) => fields.OptionalPositiveNumber("attn_logit_softcapping");
}
