using System.Linq;
using KernelGen.Generator.Tests.Infrastructure;
using Xunit;

namespace KernelGen.Generator.Tests;

/// <summary>However malformed the input, the generator ends in diagnostics or compiling code, never in an exception.</summary>
public sealed class RobustnessTests
{
    public static TheoryData<string> Garbage => new()
    {
        "[AttentionKernel(HeadDim = int.MinValue)] public static partial class K;",
        "[AttentionKernel(HeadDim = int.MaxValue, QueryTileSize = int.MaxValue, KeyTileSize = int.MinValue)] public static partial class K;",
        "[AttentionKernel(HeadDim = \"64\")] public static partial class K;",
        "[AttentionKernel(HeadDim = System.Environment.ProcessorCount)] public static partial class K;",
        "[AttentionKernel(HeadDim = 64, SoftmaxScale = double.NaN, LogitSoftCap = double.PositiveInfinity)] public static partial class K;",
        "[AttentionKernel(HeadDim = 64, SoftmaxScale = 1e300)] public static partial class K;",
        "[AttentionKernel(HeadDim = 64)] [SlidingWindow(Left = int.MinValue, Right = int.MinValue, Inclusive = true)] public static partial class K;",
        "[AttentionKernel(HeadDim = 64)] [SlidingWindow(Left = int.MinValue, Right = int.MinValue, Inclusive = false)] public static partial class K;",
        "[AttentionKernel(HeadDim = 64)] [SlidingWindow(Left = int.MaxValue, Right = int.MaxValue, Inclusive = false)] public static partial class K;",
        "[AttentionKernel(HeadDim = 64)] [SlidingWindow(Left = int.MaxValue - 1, Right = int.MaxValue, Inclusive = true)] public static partial class K;",
        "[AttentionKernel(HeadDim = 64)] [SlidingWindow(Left = int.MinValue, Convention = Backend.HuggingFace)] public static partial class K;",
        "[AttentionKernel(HeadDim = 64)] [SlidingWindow(Left = int.MaxValue, Right = int.MaxValue, Convention = Backend.HuggingFace)] public static partial class K;",
        "[AttentionKernel(HeadDim = 64)] [SlidingWindow(Left = 0, Right = 0, Convention = Backend.CuDnn, Alignment = (WindowAlignment)7)] public static partial class K;",
        "[AttentionKernel(HeadDim = 64)] [SlidingWindow(Left = 1, Right = 0, Convention = Backend.CuDnn, Alignment = WindowAlignment.TopLeft)] public static partial class K;",
        "[AttentionKernel(HeadDim = 64)] [SlidingWindow(Left = 4, Inclusive = true, Inclusive = false)] public static partial class K;",
        "[AttentionKernel(HeadDim = 64)] [SlidingWindow(Left = , Right = 0)] public static partial class K;",
        "[AttentionKernel(HeadDim = 64)] [SlidingWindow(4)] public static partial class K;",
        "[AttentionKernel] public static partial class K;",
        "[AttentionKernel()] [SlidingWindow] public static partial class K;",
        "[AttentionKernel(HeadDim = 64)] [SlidingWindow(Inclusive = true)] public partial class K { }",
        "[AttentionKernel(HeadDim = 64)] [AttentionKernel(HeadDim = 32)] public static partial class K;",
        "[AttentionKernel(HeadDim = 64)] public partial struct K;",
        "[AttentionKernel(HeadDim = 64)] public partial interface K;",
        "[AttentionKernel(HeadDim = 64)] public partial record struct K;",
        "public partial class Outer<T> { [AttentionKernel(HeadDim = 64)] public static partial class K; }",
        "[AttentionKernel(HeadDim = 64)] public static partial class",
        "[AttentionKernel(HeadDim = 64, Causal = 1)] public static partial class K;",
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void NeverThrows(string source)
    {
        var (result, output) = GeneratorRunner.Run("using KernelGen;\n" + source);
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        Assert.DoesNotContain(output.GetDiagnostics().Concat(result.Diagnostics), d => d.Id == "CS8785");

        // Something said no: the generator, or the compiler about the user's own code; or the output compiles.
        var errors = result.Diagnostics.Concat(output.GetDiagnostics()).Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
        var generatedErrors = errors.Where(d => d.Location.SourceTree is { } tree && tree.FilePath.EndsWith(".g.cs")).ToList();
        Assert.True(generatedErrors.Count == 0, Snapshot.FormatDiagnostics(generatedErrors));
    }
}
