using System;
using System.Collections.Generic;
using System.Globalization;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Model;
using Microsoft.CodeAnalysis;

namespace KernelGen.Generator.Parsing.ModelConfigs;

/// <summary>
/// Checks what a <c>[FromModelConfig]</c> spec writes against the layer its config describes. The config decides;
/// each written value is a check that must describe the same kernel, and a disagreement is reported where it is written.
/// </summary>
internal static class ModelConfigChecks
{
    /// <summary>The config's head size, reported when a written <c>HeadDim</c> differs or KernelGen does not support it.</summary>
    public static int? HeadDim(string name, AttributeArguments kernel, ModelLayer layer, Location configLocation, List<Diagnostic> diagnostics)
    {
        var written = kernel.Get<int>("HeadDim");
        var agrees = !written.IsValid || written.Value == layer.HeadDim
            || Disagree(name, kernel, "HeadDim", written.Value.ToString(CultureInfo.InvariantCulture), layer, layer.HeadDim.ToString(CultureInfo.InvariantCulture), diagnostics);
        if (!TileLayout.IsSupportedHeadDim(layer.HeadDim))
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.UnsupportedHeadDim, configLocation, name, layer.HeadDim));
            return null;
        }

        return agrees ? layer.HeadDim : null;
    }

    /// <summary>False (reported) when a written <c>Causal</c>, <c>SoftmaxScale</c>, <c>LogitSoftCap</c> or <c>Sinks</c> differs.</summary>
    public static bool Arguments(
        string name, AttributeArguments kernel, ModelLayer layer,
        ArgumentValue<bool> causal, double? scale, double? softCap, ArgumentValue<bool> sinks, List<Diagnostic> diagnostics)
    {
        var ok = true;
        if (causal.IsValid && !causal.Value)
        {
            ok &= Disagree(name, kernel, "Causal", "false", layer, "true (HF's decoder masks are causal)", diagnostics);
        }

        // The kernel computes in float, so a scale written with fewer digits than the double still agrees.
        if (scale is double writtenScale && (float)writtenScale != (float)layer.SoftmaxScale)
        {
            ok &= Disagree(name, kernel, "SoftmaxScale", Number(writtenScale), layer, $"{Number((float)layer.SoftmaxScale)} ({layer.ScaleRule})", diagnostics);
        }

        if (softCap is double writtenCap && (layer.LogitSoftCap is not double cap || (float)writtenCap != (float)cap))
        {
            ok &= Disagree(name, kernel, "LogitSoftCap", Number(writtenCap), layer, layer.LogitSoftCap is double derived ? Number(derived) : "none", diagnostics);
        }

        if (sinks.IsValid && kernel.IsGiven("Sinks") && sinks.Value != layer.Sinks)
        {
            ok &= Disagree(name, kernel, "Sinks", sinks.Value ? "true" : "false", layer, layer.Sinks ? "true (a learned sink logit per head)" : "false", diagnostics);
        }

        return ok;
    }

    /// <summary>False (reported) when a written <c>[SlidingWindow]</c> selects other keys than the config's window.</summary>
    public static bool Window(string name, AttributeData? attribute, AttentionWindow? written, string? writtenAs, ModelLayer layer, List<Diagnostic> diagnostics)
    {
        if (attribute is null || written is not AttentionWindow window || window == layer.Window)
        {
            return true;
        }

        var mask = layer.SlidingWindow is int width ? $"sliding_window_overlay(sliding_window = {width}) on causal_mask_function" : "causal_mask_function";
        var text = $"it gives {window}, HF's {mask} gives {layer.Window}: it would show {WindowDifference.Describe(layer.Window, window)}";
        diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.WindowDisagreesWithModelConfig, new AttributeArguments(attribute).Location, name, layer.Description, writtenAs ?? "[SlidingWindow]", text));
        return false;
    }

    /// <summary>False (reported) when a written <c>[ChunkedAttention(Size = N)]</c> is not the config's chunking.</summary>
    public static bool Chunk(string name, AttributeData? attribute, ModelLayer layer, List<Diagnostic> diagnostics)
    {
        if (attribute is null || new AttributeArguments(attribute).Get<int>("Size") is not { IsValid: true, Value: var size } || size == layer.ChunkSize || size < 1)
        {
            return true;
        }

        // The first query whose chunk starts differently under the two: the smaller chunk's first boundary.
        var query = Math.Min(size, layer.ChunkSize ?? size);
        var config = layer.ChunkSize is int chunk
            ? $"the config's chunks are {chunk} positions (HF's chunked_overlay on causal_mask_function)"
            : $"the config's layer {layer.Layer} is {layer.LayerType}, not chunked";
        var text = $"{config}: it would show {CausalChunk(query, size)} instead of {CausalChunk(query, layer.ChunkSize)} to query {query}";
        diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.WindowDisagreesWithModelConfig, new AttributeArguments(attribute).Location, name, layer.Description, $"[ChunkedAttention(Size = {size})]", text));
        return false;
    }

    /// <summary>The keys a causal query sees in its chunk (chunks counted from key 0), or all earlier keys without chunks.</summary>
    private static string CausalChunk(int query, int? chunk)
    {
        var first = chunk is int size ? query / size * size : 0;
        return first == query ? $"key {query} only" : $"keys {first}..{query} ({query - first + 1} keys)";
    }

    private static bool Disagree(string name, AttributeArguments kernel, string argument, string written, ModelLayer layer, string derived, List<Diagnostic> diagnostics)
    {
        diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.ArgumentDisagreesWithModelConfig, kernel.LocationOf(argument), name, argument, written, layer.Description, derived));
        return false;
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
