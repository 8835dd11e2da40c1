using System;
using System.Diagnostics;
using System.Linq;
using KernelGen;
using KernelGen.Reports;
using ModelShapes;
using Spectre.Console;

// Each model's real window and head layout, on the default device, checked against the fp64 reference.
using var device = KernelGenDevice.CreateDefault();
// Thousands of keys summed in fp32 (and ex2.approx on CUDA): looser than the unit tests' 1e-5 on short rows.
var tolerance = device.Accelerator is null ? 1e-4 : 1e-3;
Console.WriteLine($"Device: {device}; tolerance {tolerance:E0} on the max abs error");

var random = new Random(7);
float[] Fill(long length, double scale = 1) => Enumerable.Range(0, (int)length).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
// Drawn when the first gpt-oss layer runs, after the Mistral inputs, as the inputs have always been drawn.
float[]? sinks = null;
float[] Sinks() => sinks ??= Fill(64, 2);
ModelShape[] shapes =
[
    // Mistral: 32 query heads share 8 key/value heads.
    new("Mistral 7B decode, position 4607", MistralDecode.Window, MistralDecode.HeadDim, new(1, 1, 4608, 32, 8), new(MistralDecode.SoftmaxScale),
        null, (q, k, v, s, o, shape) => MistralDecode.Forward(device, q, k, v, o, shape)),
    new("Mistral 7B prefill chunk, positions 5000..5015", MistralPrefillChunk.Window, MistralPrefillChunk.HeadDim, new(1, 16, 5016, 32, 8), new(MistralPrefillChunk.SoftmaxScale),
        null, (q, k, v, s, o, shape) => MistralPrefillChunk.Forward(device, q, k, v, o, shape)),

    // gpt-oss alternates sliding (128 keys) and full layers; every head has a learned sink logit.
    new("gpt-oss sliding layer, decode at 2000", GptOssSlidingLayer.Window, GptOssSlidingLayer.HeadDim, new(1, 1, 2001, 64, 8), new(GptOssSlidingLayer.SoftmaxScale),
        Sinks, (q, k, v, s, o, shape) => GptOssSlidingLayer.Forward(device, q, k, v, s!, o, shape)),
    new("gpt-oss full layer, decode at 2000", GptOssFullLayer.Window, GptOssFullLayer.HeadDim, new(1, 1, 2001, 64, 8), new(GptOssFullLayer.SoftmaxScale),
        Sinks, (q, k, v, s, o, shape) => GptOssFullLayer.Forward(device, q, k, v, s!, o, shape)),

    // Gemma 2 alternates local (4096 keys) and global layers, both with a logit soft cap of 50.
    new("Gemma 2 local layer, decode at 4400", Gemma2LocalLayer.Window, Gemma2LocalLayer.HeadDim, new(1, 1, 4401, 16, 8), new(Gemma2LocalLayer.SoftmaxScale, Gemma2LocalLayer.LogitSoftCap),
        null, (q, k, v, s, o, shape) => Gemma2LocalLayer.Forward(device, q, k, v, o, shape)),
    new("Gemma 2 global layer, decode at 4400", Gemma2GlobalLayer.Window, Gemma2GlobalLayer.HeadDim, new(1, 1, 4401, 16, 8), new(Gemma2GlobalLayer.SoftmaxScale, Gemma2GlobalLayer.LogitSoftCap),
        null, (q, k, v, s, o, shape) => Gemma2GlobalLayer.Forward(device, q, k, v, o, shape)),
];

var checks = ConsoleReport.WithProgress("model shapes", shapes.Length, progress => shapes.Select(shape =>
{
    progress.Description = Markup.Escape(shape.Name);
    var check = Check(shape);
    progress.Increment(1);
    return check;
}).ToArray());

var table = new Table().AddColumns("model shape", "window", "the last query sees keys", "heads", "vs the fp64 reference", "time", "result");
table.Columns[5].RightAligned();
foreach (var check in checks)
{
    table.AddRow(check.Cells.Select(cell => new Text(cell)));
}

ConsoleReport.Results.Write(table);
var failures = checks.Count(check => !check.Passed);

// The specs derived from the published configs (ConfigSpecs.cs) must be the hand-written ones where both exist.
failures += Same("Mistral 7B", (MistralConfigLayer.Window, MistralConfigLayer.HeadDim, MistralConfigLayer.SoftmaxScale), (MistralDecode.Window, MistralDecode.HeadDim, MistralDecode.SoftmaxScale));
failures += Same("gpt-oss sliding", (GptOssConfigSlidingLayer.Window, GptOssConfigSlidingLayer.HeadDim, GptOssConfigSlidingLayer.SoftmaxScale), (GptOssSlidingLayer.Window, GptOssSlidingLayer.HeadDim, GptOssSlidingLayer.SoftmaxScale));
failures += Same("gpt-oss full", (GptOssConfigFullLayer.Window, GptOssConfigFullLayer.HeadDim, GptOssConfigFullLayer.SoftmaxScale), (GptOssFullLayer.Window, GptOssFullLayer.HeadDim, GptOssFullLayer.SoftmaxScale));
failures += Same("Gemma 2 local", (Gemma2ConfigSlidingLayer.Window, Gemma2ConfigSlidingLayer.HeadDim, Gemma2ConfigSlidingLayer.LogitSoftCap), (Gemma2LocalLayer.Window, Gemma2LocalLayer.HeadDim, Gemma2LocalLayer.LogitSoftCap));
failures += Same("Gemma 2 global", (Gemma2ConfigFullLayer.Window, Gemma2ConfigFullLayer.HeadDim, Gemma2ConfigFullLayer.LogitSoftCap), (Gemma2GlobalLayer.Window, Gemma2GlobalLayer.HeadDim, Gemma2GlobalLayer.LogitSoftCap));
Console.WriteLine($"From configs: Gemma 3 4B sliding {Gemma3ConfigSlidingLayer.Window}, full {Gemma3ConfigFullLayer.Window}, head {Gemma3ConfigFullLayer.HeadDim}; Llama 4 Scout full {Llama4ConfigFullLayer.Window}, chunked {Llama4ConfigChunkedLayer.Window}, head {Llama4ConfigFullLayer.HeadDim}");

Console.WriteLine(failures == 0 ? "All model shapes match the reference." : $"{failures} model shape(s) do not match the reference.");
return failures == 0 ? 0 : 1;

ModelCheck Check(ModelShape model)
{
    var shape = model.Shape;
    var sinkLogits = model.SinkLogits?.Invoke();
    var q = Fill(shape.QueryElements(model.HeadDim), 3);
    var k = Fill(shape.KeyElements(model.HeadDim), 3);
    var v = Fill(shape.KeyElements(model.HeadDim));
    var output = new float[q.Length];
    var timer = Stopwatch.StartNew();
    model.Forward(q, k, v, sinkLogits, output, shape);
    var elapsed = timer.Elapsed;
    var expected = ReferenceAttention.Compute(q, k, v, shape, model.HeadDim, model.Window, model.Options, sinkLogits);
    var error = ErrorReport.Compare(output, expected.Output);
    var seen = model.Window.VisibleKeys(shape.SeqQ - 1, shape.SeqQ, shape.SeqK);
    var passed = error.MaxAbsolute <= tolerance;
    return new(passed,
    [
        model.Name, model.Window.ToString(), $"{seen.Start}..{seen.End - 1} of {shape.SeqK}", $"{shape.Heads}/{shape.KvHeads} of {model.HeadDim}",
        error.ToString(), $"{elapsed.TotalSeconds:F1} s", passed ? "OK" : "MISMATCH",
    ]);
}

int Same<T>(string name, T fromConfig, T written)
{
    var same = Equals(fromConfig, written);
    Console.WriteLine($"{name} from its config: {fromConfig} -> {(same ? "same as written" : $"MISMATCH with {written}")}");
    return same ? 0 : 1;
}
