namespace KernelGen.Generator.Parsing.ModelConfigs.Families;

/// <summary>
/// Qwen2 (<c>configuration_qwen2.py</c>): <c>sliding_window</c> counts only when <c>use_sliding_window</c> is true
/// (<c>self.sliding_window = sliding_window if use_sliding_window else None</c>), and then layer <c>i</c> slides when
/// <c>i &gt;= max_window_layers</c>: the first <c>max_window_layers</c> layers are full, the rest slide.
/// </summary>
internal sealed class Qwen2Family : ModelFamily
{
    private const string WhyUseSlidingWindow = "decides whether sliding_window applies at all (Qwen2Config's default is false)";

    public override string ModelType => "qwen2";

    protected override string? DefaultLayerType(ConfigFields fields, int layer, int layers)
    {
        if (fields.RequiredBool("use_sliding_window", WhyUseSlidingWindow) is not bool useSlidingWindow)
        {
            return null;
        }

        if (!useSlidingWindow || !fields.Has("sliding_window"))
        {
            return "full_attention";
        }

        return fields.RequiredCount("max_window_layers", "says which layers slide (those from max_window_layers on)") is int fullLayers
            ? layer >= fullLayers ? "sliding_attention" : "full_attention"
            : null;
    }

    protected override int? SlidingWindow(ConfigFields fields, int layer)
    {
        if (fields.RequiredBool("use_sliding_window", WhyUseSlidingWindow) == false)
        {
            fields.Contradiction($"{fields.Name("layer_types")} makes layer {layer} sliding_attention, but {fields.Name("use_sliding_window")} = false sets HF's sliding_window to None");
            return null;
        }

        return base.SlidingWindow(fields, layer);
    }
}
