using System;
using KernelGen;

namespace ModelShapes;

/// <summary>One model's attention layer at one step: its window, sizes, score options and sink logits (for specs with sinks), and its spec's <c>Forward</c>.</summary>
internal sealed record ModelShape(
    string Name, AttentionWindow Window, int HeadDim, AttentionShape Shape, ReferenceAttention.Options Options, Func<float[]>? SinkLogits,
    Action<float[], float[], float[], float[]?, float[], AttentionShape> Forward);
