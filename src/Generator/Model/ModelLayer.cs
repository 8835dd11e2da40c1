using System.Globalization;

namespace KernelGen.Generator.Model;

/// <summary>
/// One layer's attention as a Hugging Face config describes it, derived by its model family's rules in HF's
/// convention. Plain values: it is compared with what the spec writes, then the spec is built from it.
/// </summary>
/// <param name="ConfigPath">The path as written in <c>[FromModelConfig]</c>.</param>
/// <param name="ModelType">The text model's <c>model_type</c>, whose rules were applied.</param>
/// <param name="Layer">The layer index.</param>
/// <param name="LayerType">HF's layer type: <c>sliding_attention</c>, <c>full_attention</c> or <c>chunked_attention</c>.</param>
/// <param name="Window">The canonical window HF's mask gives the layer (bottom-right: HF masks absolute positions).</param>
/// <param name="SlidingWindow">HF's <c>sliding_window</c> for a sliding layer, else <see langword="null"/>.</param>
/// <param name="ChunkSize">HF's <c>attention_chunk_size</c> for a chunked layer, else <see langword="null"/>.</param>
/// <param name="HeadDim">Elements per head.</param>
/// <param name="Heads">Query heads.</param>
/// <param name="KvHeads">Key/value heads.</param>
/// <param name="SoftmaxScale">The <c>scaling</c> the layer passes to its attention function.</param>
/// <param name="ScaleRule">Where the scale comes from, in words.</param>
/// <param name="LogitSoftCap">The attention logit soft cap, or <see langword="null"/> for none.</param>
/// <param name="Sinks">Whether the layer has a learned sink logit per head.</param>
internal sealed record ModelLayer(
    string ConfigPath,
    string ModelType,
    int Layer,
    string LayerType,
    AttentionWindow Window,
    int? SlidingWindow,
    int? ChunkSize,
    int HeadDim,
    int Heads,
    int KvHeads,
    double SoftmaxScale,
    string ScaleRule,
    double? LogitSoftCap,
    bool Sinks)
{
    /// <summary>The layer in one line, for messages and the generated documentation.</summary>
    public string Description
    {
        get
        {
            var mask = SlidingWindow is int width ? $", sliding_window = {width}"
                : ChunkSize is int chunk ? $", attention_chunk_size = {chunk}"
                : string.Empty;
            var softCap = LogitSoftCap is double cap ? $", attn_logit_softcapping = {cap.ToString("R", CultureInfo.InvariantCulture)}" : string.Empty;
            var sinks = Sinks ? ", learned sinks" : string.Empty;
            return $"{ConfigPath} layer {Layer} ({ModelType} {LayerType}{mask}, head_dim = {HeadDim}, {Heads}/{KvHeads} heads, scale {ScaleRule}{softCap}{sinks})";
        }
    }
}
