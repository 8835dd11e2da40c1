using System;
using System.Collections.Generic;
using System.Linq;
using Decode;
using KernelGen;

// A tiny two-layer model with random weights, run the way an inference engine runs one: two prompts of different
// lengths are prefilled in chunks of up to 16 tokens, then 64 tokens are decoded greedily, both rows in one batch.
// The local layer's cache is a ring sized by its window (Left + MaxChunk keys); the global layer's grows. After every
// step each layer's attention is recomputed over the whole history (ForwardCpu on every key so far) and compared.
const int Hidden = 256, Heads = 4, KvHeads = 2, HeadDim = 64, Vocabulary = 512, DecodeSteps = 64;
const double Tolerance = 1e-5;
var prompts = new[] { 40, 23 };
var random = new Random(2026);
float[] Weights(int rows, int columns) =>
    Enumerable.Range(0, rows * columns).Select(_ => (float)((random.NextDouble() * 2 - 1) / Math.Sqrt(rows))).ToArray();

var embedding = Weights(Vocabulary, Hidden);
var layers = new[]
{
    new Layer("local (32-key window)", LocalLayer.CreateCache(prompts.Length, Heads, KvHeads), LocalLayer.ForwardCpu, Weights, Hidden, Heads, KvHeads, HeadDim),
    new Layer("global (causal)", GlobalLayer.CreateCache(prompts.Length, Heads, KvHeads), GlobalLayer.ForwardCpu, Weights, Hidden, Heads, KvHeads, HeadDim),
};
Console.WriteLine($"Local cache: {LocalLayer.CacheCapacityRule}. Global cache: {GlobalLayer.CacheCapacityRule}");

var tokens = prompts.Select(length => Enumerable.Range(0, length).Select(_ => random.Next(Vocabulary)).ToList()).ToArray();
var fed = new int[prompts.Length];
double worst = 0;
int steps = 0;
// A row is done when it has fed its prompt and its DecodeSteps generated tokens.
while (Enumerable.Range(0, prompts.Length).Any(row => fed[row] < tokens[row].Count))
{
    // Each row feeds what it has not fed yet, up to MaxChunk tokens: prompt chunks first, then one token per step.
    var counts = fed.Select((done, row) => Math.Min(LocalLayer.CacheMaxChunk, tokens[row].Count - done)).ToArray();
    var hidden = counts.SelectMany((count, row) => tokens[row].Skip(fed[row]).Take(count)).SelectMany(token => embedding.AsSpan(token * Hidden, Hidden).ToArray()).ToArray();
    foreach (var layer in layers)
    {
        hidden = layer.Step(hidden, counts, out var difference);
        worst = Math.Max(worst, difference);
    }

    // Each row's last new token predicts its next one (greedy, tied embeddings).
    int offset = 0;
    for (int row = 0; row < prompts.Length; row++)
    {
        fed[row] += counts[row];
        offset += counts[row];
        if (counts[row] > 0 && fed[row] == tokens[row].Count && tokens[row].Count < prompts[row] + DecodeSteps)
        {
            var last = hidden[((offset - 1) * Hidden)..(offset * Hidden)];
            tokens[row].Add(Enumerable.Range(0, Vocabulary).MaxBy(token => Dot(last, embedding.AsSpan(token * Hidden, Hidden))));
        }
    }

    steps++;
}

Console.WriteLine($"{steps} steps (prefill chunks of up to {LocalLayer.CacheMaxChunk}, then decode); rows at lengths {string.Join(" and ", fed)}.");
Console.WriteLine($"Every step against full attention over the whole history: max abs difference {worst:E2} (tolerance {Tolerance:E0}).");
Console.WriteLine();
Console.WriteLine($"{"layer",-24} {"cache",-10} {"keys held per row",18} {"cache memory",14} {"every key",12}");
foreach (var layer in layers)
{
    var cache = layer.Cache;
    long full = 2L * cache.Batch * cache.KvHeads * fed.Max() * HeadDim * sizeof(float);
    Console.WriteLine($"{layer.Name,-24} {(cache.IsRing ? "ring" : "growing"),-10} {string.Join(" / ", Enumerable.Range(0, cache.Batch).Select(cache.HeldKeys)),18} {Kib(cache.MemoryBytes),14} {Kib(full),12}");
}

Console.WriteLine($"A cache of every key holds {fed.Max()} per row (the longest row); the ring holds {LocalLayer.CacheCapacity} per row whatever the length.");
foreach (var layer in layers)
{
    layer.Cache.Dispose();
}

return worst <= Tolerance ? 0 : 1;

static string Kib(long bytes) => $"{bytes / 1024.0:F1} KiB";

static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
{
    float sum = 0;
    for (int index = 0; index < a.Length; index++)
    {
        sum += a[index] * b[index];
    }

    return sum;
}
