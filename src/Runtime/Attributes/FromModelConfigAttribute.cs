using System;

namespace KernelGen;

/// <summary>
/// Derives an <see cref="AttentionKernelAttribute"/> spec from one layer of a Hugging Face <c>config.json</c> at build
/// time: its window (HF's convention: <c>sliding_window = W</c> shows keys <c>(i - W, i]</c>, so <c>Left = W - 1</c>,
/// <c>Right = 0</c>, causal), head size, softmax scale, logit soft cap and learned sinks, by the rules of the config's
/// <c>model_type</c>. Give the file to the compiler as an <c>AdditionalFiles</c> item.
/// </summary>
/// <remarks>
/// The config decides; written values are checks. <c>HeadDim</c>, <c>Causal</c>, <c>SoftmaxScale</c>,
/// <c>LogitSoftCap</c>, <c>Sinks</c>, a <see cref="SlidingWindowAttribute"/> and a <see cref="ChunkedAttentionAttribute"/>
/// may be omitted; each one written must describe what the config gives, or the build fails and shows both. Values the
/// config does not decide (tile sizes, <c>Targets</c>, pins, <see cref="KvCacheAttribute"/>) apply as written.
/// </remarks>
/// <example>
/// <code>
/// // &lt;AdditionalFiles Include="configs/gpt-oss-20b.json" /&gt; in the project file
/// [AttentionKernel]
/// [FromModelConfig("configs/gpt-oss-20b.json", Layer = 0)]   // sliding_attention: Left = 127, head 64, sinks
/// public static partial class GptOssLayer0;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class FromModelConfigAttribute : Attribute
{
    /// <param name="path">
    /// The config's path, matched against the end of each <c>AdditionalFiles</c> item's full path on whole path segments
    /// (<c>"config.json"</c> or <c>"configs/mistral-7b-v0.1.json"</c>); exactly one item must match.
    /// </param>
    public FromModelConfigAttribute(string path) => Path = path;

    /// <summary>The config's path, as given.</summary>
    public string Path { get; }

    /// <summary>The layer index, from 0 (HF's <c>layer_idx</c>).</summary>
    public int Layer { get; set; }
}
