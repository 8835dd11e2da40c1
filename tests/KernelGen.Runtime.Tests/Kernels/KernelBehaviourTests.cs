using System;
using System.Linq;
using System.Threading.Tasks;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using Xunit;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>The host API: validation before launch, device views on streams, empty rows, default tiles, caching.</summary>
[Collection(KernelCollection.Name)]
public sealed class KernelBehaviourTests
{
    private readonly AcceleratorFixture _fixture;

    public KernelBehaviourTests(AcceleratorFixture fixture) => _fixture = fixture;

    private Accelerator Accelerator => _fixture.Accelerator;

    [Theory]
    [InlineData(0, 4, 4, 1, 1, "Batch must be at least 1, but is 0")]
    [InlineData(1, -3, 4, 1, 1, "SeqQ must be at least 1, but is -3")]
    [InlineData(1, 4, 0, 1, 1, "SeqK must be at least 1, but is 0")]
    [InlineData(1, 4, 4, 3, 2, "Heads (3) must be a multiple of KvHeads (2)")]
    [InlineData(1, 4, 4, 70000, 1, "at most 65535")]
    public void BadShapesThrowBeforeLaunch(int batch, int seqQ, int seqK, int heads, int kvHeads, string message)
    {
        var shape = new AttentionShape(batch, seqQ, seqK, heads, kvHeads);
        var buffer = new float[64];
        var error = Assert.Throws<ArgumentException>(() => CausalWindow5.Forward(Accelerator, buffer, buffer, buffer, buffer, shape));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void WrongBufferLengthsNameExpectedAndActual()
    {
        var shape = new AttentionShape(2, 3, 5, 4, 2);
        var q = new float[shape.QueryElements(32)];
        var kv = new float[shape.KeyElements(32)];
        var error = Assert.Throws<ArgumentException>(() => CausalWindow5.Forward(Accelerator, q, kv, new float[kv.Length - 1], new float[q.Length], shape));
        Assert.Equal("v", error.ParamName);
        Assert.Contains($"v has {kv.Length - 1} elements but the shape needs {kv.Length}", error.Message);

        error = Assert.Throws<ArgumentException>(() => CausalWindow5.Forward(Accelerator, q, kv, kv, new float[q.Length], new float[5], shape));
        Assert.Contains("logSumExp has 5 elements but the shape needs 24", error.Message);

        error = Assert.Throws<ArgumentException>(() => SoftCapWithSinks.Forward(Accelerator, new float[shape.QueryElements(48)], new float[shape.KeyElements(48)], new float[shape.KeyElements(48)], new float[3], new float[shape.QueryElements(48)], shape));
        Assert.Contains("sinkLogits has 3 elements but the shape needs 4 (one sink logit per head)", error.Message);
    }

    [Fact]
    public void AnAcceleratorWithTooFewThreadsPerGroupIsRefusedWithTheFix()
    {
        // ILGPU's usual CPU accelerator allows 16 threads per group; the kernel with default tiles for head 64 runs 32.
        using var context = Context.Create(builder => builder.CPU().EnableAlgorithms());
        using var accelerator = context.CreateCPUAccelerator(0);
        var shape = new AttentionShape(1, 4, 4, 1, 1);
        var q = new float[shape.QueryElements(DefaultTiles64.HeadDim)];
        var kv = new float[shape.KeyElements(DefaultTiles64.HeadDim)];
        var error = Assert.Throws<NotSupportedException>(() => DefaultTiles64.Forward(accelerator, q, kv, kv, new float[q.Length], shape));
        Assert.Contains("runs 32 threads per group", error.Message);
        Assert.Contains("KernelGenAccelerators.CreateCpu(context)", error.Message);
    }

    [Fact]
    public void TheReferenceNamesTheBufferAndBothLengths()
    {
        var shape = new AttentionShape(1, 3, 5, 2, 1);
        var error = Assert.Throws<ArgumentException>(() => ReferenceAttention.Compute(
            new float[shape.QueryElements(16)], new float[shape.KeyElements(16) - 1], new float[shape.KeyElements(16)], shape, 16, AttentionWindow.Unbounded, new(0.25)));
        Assert.Equal("k", error.ParamName);
        Assert.Contains($"k has {shape.KeyElements(16) - 1} elements but the shape needs {shape.KeyElements(16)}", error.Message);
    }

    [Fact]
    public void RowsThatSeeNoKeyWriteZerosAndMinusInfinity()
    {
        // Bottom-right causal with SeqQ > SeqK: the first SeqQ - SeqK queries see nothing.
        var shape = new AttentionShape(1, 12, 4, 1, 1);
        var spec = SpecUnderTest.All.Single(s => s.Name == nameof(CausalUnbounded));
        var (_, _, output, expected) = spec.Compare(Accelerator, shape, seed: 7);
        Assert.DoesNotContain(output, float.IsNaN);
        Assert.All(output.Take(8 * spec.HeadDim), value => Assert.Equal(0f, value));
        Assert.All(expected.LogSumExp.Take(8), value => Assert.Equal(double.NegativeInfinity, value));

        // With a sink the row's log-sum-exp is the sink logit itself.
        var sinks = SpecUnderTest.All.Single(s => s.Name == nameof(SoftCapWithSinks));
        var (outputError, logSumExpError, sinkOutput, _) = sinks.Compare(Accelerator, shape, seed: 7);
        Assert.True(outputError.MaxAbsolute <= 1e-5 && logSumExpError.MaxRelative <= 1e-5, $"{outputError}; {logSumExpError}");
        Assert.All(sinkOutput.Take(8 * sinks.HeadDim), value => Assert.Equal(0f, value));
    }

    public static TheoryData<string> DefaultTileSpecs => new(SpecUnderTest.DefaultTiles.Select(spec => spec.Name));

    [Theory]
    [MemberData(nameof(DefaultTileSpecs))]
    public void DefaultTilesMatchReference(string name)
    {
        var spec = SpecUnderTest.DefaultTiles.Single(candidate => candidate.Name == name);
        var (output, logSumExp, _, _) = spec.Compare(Accelerator, new AttentionShape(1, 37, 45, 2, 1), seed: 3);
        Assert.True(output.MaxAbsolute <= 1e-5, $"output {output}");
        Assert.True(logSumExp.MaxRelative <= 1e-5, $"log-sum-exp {logSumExp}");
    }

    [Fact]
    public void DeviceViewsOnAStreamMatchTheHostForm()
    {
        var shape = new AttentionShape(1, 11, 17, 2, 2);
        var random = new Random(5);
        float[] Fill(long length) => Enumerable.Range(0, (int)length).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var q = Fill(shape.QueryElements(LookAhead.HeadDim));
        var k = Fill(shape.KeyElements(LookAhead.HeadDim));
        var v = Fill(shape.KeyElements(LookAhead.HeadDim));

        var expected = new float[q.Length];
        LookAhead.Forward(Accelerator, q, k, v, expected, shape);

        using var stream = Accelerator.CreateStream();
        using var qBuffer = Accelerator.Allocate1D(q);
        using var kBuffer = Accelerator.Allocate1D(k);
        using var vBuffer = Accelerator.Allocate1D(v);
        using var outputBuffer = Accelerator.Allocate1D<float>(q.Length);
        using var logSumExpBuffer = Accelerator.Allocate1D<float>(shape.LogSumExpElements);
        LookAhead.Forward(stream, qBuffer.View, kBuffer.View, vBuffer.View, outputBuffer.View, logSumExpBuffer.View, shape);
        stream.Synchronize();
        Assert.Equal(expected, outputBuffer.GetAsArray1D());
    }

    [Theory]
    [InlineData(2, 1, WindowAlignment.TopLeft)]
    [InlineData(null, 0, WindowAlignment.BottomRight)]
    [InlineData(6, null, WindowAlignment.BottomRight)]
    public void RuntimeWindowInstantiationMatchesReference(int? left, int? right, WindowAlignment alignment)
    {
        var window = new AttentionWindow(left, right, alignment);
        var shape = new AttentionShape(1, 13, 18, 2, 1);
        var random = new Random(11);
        float[] Fill(long length) => Enumerable.Range(0, (int)length).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray();
        var q = Fill(shape.QueryElements(CausalWindow5.HeadDim));
        var k = Fill(shape.KeyElements(CausalWindow5.HeadDim));
        var v = Fill(shape.KeyElements(CausalWindow5.HeadDim));

        using var qBuffer = Accelerator.Allocate1D(q);
        using var kBuffer = Accelerator.Allocate1D(k);
        using var vBuffer = Accelerator.Allocate1D(v);
        using var outputBuffer = Accelerator.Allocate1D<float>(q.Length);
        CausalWindow5.ForwardWithRuntimeWindow(Accelerator.DefaultStream, qBuffer.View, kBuffer.View, vBuffer.View, outputBuffer.View, window, shape);
        Accelerator.Synchronize();

        var expected = ReferenceAttention.Compute(q, k, v, shape, CausalWindow5.HeadDim, window, new(CausalWindow5.SoftmaxScale));
        var error = ErrorReport.Compare(outputBuffer.GetAsArray1D(), expected.Output);
        Assert.True(error.MaxAbsolute <= 1e-5, $"{window}: {error}");
    }

    [Fact]
    public void KernelsCompileOncePerAcceleratorUnderConcurrentCallers()
    {
        var compiles = 0;
        var cache = new KernelCache<Action<AcceleratorStream>>(accelerator =>
        {
            System.Threading.Interlocked.Increment(ref compiles);
            System.Threading.Thread.Sleep(50);
            return _ => { };
        });
        var kernels = Enumerable.Range(0, 8).AsParallel().WithDegreeOfParallelism(8).Select(_ => cache.Get(Accelerator)).ToArray();
        Assert.Equal(1, compiles);
        Assert.All(kernels, kernel => Assert.Same(kernels[0], kernel));
    }

    [Fact]
    public void DisposedAcceleratorsAreRefusedAndNotKeptAlive()
    {
        var cache = new KernelCache<Action<AcceleratorStream>>(accelerator => _ => { });
        var weak = CompileOnThrowawayAccelerator(cache, out var disposed);
        Assert.Throws<ObjectDisposedException>(() => cache.Get(disposed));
        disposed = null!;
        for (var attempt = 0; attempt < 10 && weak.IsAlive; attempt++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(weak.IsAlive, "the cache kept a disposed accelerator alive");
    }

    private WeakReference CompileOnThrowawayAccelerator(KernelCache<Action<AcceleratorStream>> cache, out Accelerator disposed)
    {
        var accelerator = KernelGenAccelerators.CreateCpu(_fixture.Context);
        cache.Get(accelerator);
        accelerator.Dispose();
        disposed = accelerator;
        return new WeakReference(accelerator);
    }
}
