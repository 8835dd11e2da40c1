using System;
using System.IO;
using System.Linq;
using ILGPU;
using ILGPU.Runtime;
using KernelGen;
using KernelGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SeedBug;

// TransformerEngine issue #1197: its cuDNN backend was given window_size[0] as diagonal_band_left_bound, but
// cuDNN's left bound is exclusive, so cuDNN saw one key fewer than FlashAttention and the unfused path.
// This sample runs the same inputs both ways, then shows that KernelGen turns the mistake into a build error.
const int Left = FlashAttentionReading.WindowLeft;
var shape = new AttentionShape(Batch: 2, SeqQ: 128, SeqK: 128, Heads: 4, KvHeads: 4);
using var device = KernelGenDevice.CreateDefault();

var random = new Random(1197);
float[] Fill(long length) => Enumerable.Range(0, (int)length).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();
var q = Fill(shape.QueryElements(FlashAttentionReading.HeadDim));
var k = Fill(shape.KeyElements(FlashAttentionReading.HeadDim));
var v = Fill(shape.KeyElements(FlashAttentionReading.HeadDim));

// The spec's own (baked) window, or the same kernel body with another window passed at run time.
float[] Run(AttentionWindow? window)
{
    var output = new float[q.Length];
    if (device.Accelerator is { } accelerator)
    {
        using var qBuffer = accelerator.Allocate1D(q);
        using var kBuffer = accelerator.Allocate1D(k);
        using var vBuffer = accelerator.Allocate1D(v);
        using var outputBuffer = accelerator.Allocate1D<float>(q.Length);
        if (window is AttentionWindow runtimeWindow)
        {
            FlashAttentionReading.ForwardWithRuntimeWindow(accelerator.DefaultStream, qBuffer.View, kBuffer.View, vBuffer.View, outputBuffer.View, runtimeWindow, shape);
        }
        else
        {
            FlashAttentionReading.Forward(accelerator, qBuffer.View, kBuffer.View, vBuffer.View, outputBuffer.View, shape);
        }

        accelerator.Synchronize();
        outputBuffer.CopyToCPU(output);
    }
    else if (window is AttentionWindow runtimeWindow)
    {
        FlashAttentionReading.ForwardCpuWithRuntimeWindow(q, k, v, output, runtimeWindow, shape, device.CpuOptions);
    }
    else
    {
        FlashAttentionReading.ForwardCpu(q, k, v, output, shape, device.CpuOptions);
    }

    return output;
}

var flashAttention = Run(null);
var buggyCuDnn = AttentionWindow.FromCuDnn(new CuDnnWindow(Left, 0, WindowAlignment.BottomRight));
var convertedCuDnn = AttentionWindow.FromCuDnn(FlashAttentionReading.Window.ToCuDnn());
var reference = ReferenceAttention.Compute(q, k, v, shape, FlashAttentionReading.HeadDim, FlashAttentionReading.Window, new(FlashAttentionReading.SoftmaxScale)).Output;

var bug = MaxDifference(flashAttention, Run(buggyCuDnn));
var fixedDifference = MaxDifference(flashAttention, Run(convertedCuDnn));
var noise = ErrorReport.Compare(flashAttention, reference).MaxAbsolute;

Console.WriteLine($"Device: {device}; {shape}, head {FlashAttentionReading.HeadDim}, seed 1197");
Console.WriteLine($"FlashAttention window_size = ({Left}, 0):            {FlashAttentionReading.Window}");
Console.WriteLine($"cuDNN given the same number, left bound = {Left}:     {buggyCuDnn}");
Console.WriteLine($"cuDNN after the conversion, left bound = {FlashAttentionReading.CuDnn.DiagonalBandLeftBound}:  {convertedCuDnn}");
Console.WriteLine();
Console.WriteLine($"max |FlashAttention - cuDNN(left = {Left})|     = {bug:G4}   (TransformerEngine saw up to 4.88)");
Console.WriteLine($"max |FlashAttention - cuDNN(left = {Left + 1})|     = {fixedDifference:G4}");
Console.WriteLine($"max |FlashAttention kernel - fp64 reference| = {noise:G4}   (fp32 noise)");

var ok = bug >= 1e-2 && bug >= 1000 * Math.Max(fixedDifference, noise);
Console.WriteLine(ok
    ? "The one-key difference is large; the converted bound agrees to fp32 noise."
    : "UNEXPECTED: the one-key difference is not at least 1e-2 and 1000 times the converted difference.");

// The same mistake, written as a pinned cuDNN parameter, does not compile.
Console.WriteLine();
Console.WriteLine("Compiling a spec that pins the unconverted number for cuDNN:");
const string WrongPin = """
    using KernelGen;
    [AttentionKernel(HeadDim = 64)]
    [SlidingWindow(Left = 16, Right = 0, Convention = Backend.FlashAttention2)]
    [CuDnnWindow(DiagonalBandLeftBound = 16, DiagonalBandRightBound = 0, DiagonalAlignment = WindowAlignment.BottomRight)]
    public static partial class TransformerEngineWindow;
    """;
Console.WriteLine(WrongPin);
var diagnostics = CompileWithKernelGen(WrongPin).Where(d => d.Id.StartsWith("KG", StringComparison.Ordinal)).ToList();
foreach (var diagnostic in diagnostics)
{
    Console.WriteLine($"  {diagnostic.Severity.ToString().ToLowerInvariant()} {diagnostic.Id}: {diagnostic.GetMessage()}");
}

ok &= diagnostics.Any(d => d.Id == "KG0016" && d.Severity == DiagnosticSeverity.Error);
return ok ? 0 : 1;

static double MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();

static System.Collections.Generic.IEnumerable<Diagnostic> CompileWithKernelGen(string source)
{
    var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
        .Concat(new[] { typeof(AttentionWindow).Assembly.Location, typeof(Context).Assembly.Location })
        .Distinct()
        .Select(path => MetadataReference.CreateFromFile(path));
    var compilation = CSharpCompilation.Create("UserProject", new[] { CSharpSyntaxTree.ParseText(source) }, references,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
    CSharpGeneratorDriver.Create(new AttentionKernelGenerator()).RunGeneratorsAndUpdateCompilation(compilation, out _, out var diagnostics);
    return diagnostics;
}
