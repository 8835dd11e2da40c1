using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.Intrinsics;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Runtime.Tests.Kernels;

// Specs of the adversarial tests: head size 16 keeps every call cheap; the window is passed at run time except where
// the baked window itself is under test.

[AttentionKernel(HeadDim = 16)]
public static partial class AdversarialHead16;

[AttentionKernel(HeadDim = 16, Sinks = true)]
public static partial class AdversarialSinks16;

[AttentionKernel(HeadDim = 16, LogitSoftCap = 5)]
public static partial class AdversarialSoftCap16;

/// <summary>A window of exactly 64 keys (the CPU kernel's key tile): the query's own key and the 63 before it.</summary>
[AttentionKernel(HeadDim = 32)]
[SlidingWindow(Left = 63, Right = 0, Inclusive = true)]
public static partial class AdversarialWindow64;

/// <summary>Keys [i - 63, i + 63] top-left, written with exclusive bounds, with sinks and a soft cap.</summary>
[AttentionKernel(HeadDim = 16, Sinks = true, LogitSoftCap = 20)]
[SlidingWindow(Left = 64, Right = 64, Inclusive = false, Alignment = WindowAlignment.TopLeft)]
public static partial class AdversarialBand127;

/// <summary>Constants held in fields, as a caller of the public generic entry point may write them.</summary>
public struct AdversarialFieldConstants : IKernelConstants
{
    public int Dim;
    public float Scale;

    public readonly int HeadDim => Dim;

    public readonly float SoftmaxScale => Scale;

    public readonly bool HasLogitSoftCap => false;

    public readonly float LogitSoftCap => 0f;

    public readonly bool HasSinks => false;
}

/// <summary>A head size that is not a multiple of 16 (nor of the vector width).</summary>
public readonly struct AdversarialHeadDim20 : IKernelConstants
{
    public int HeadDim => 20;

    public float SoftmaxScale => 0.25f;

    public bool HasLogitSoftCap => false;

    public float LogitSoftCap => 0f;

    public bool HasSinks => false;
}

/// <summary>A head size of zero.</summary>
public readonly struct AdversarialHeadDim0 : IKernelConstants
{
    public int HeadDim => 0;

    public float SoftmaxScale => 0.25f;

    public bool HasLogitSoftCap => false;

    public float LogitSoftCap => 0f;

    public bool HasSinks => false;
}

/// <summary>Head size 16 as constants, for the generic entry point.</summary>
public readonly struct AdversarialHeadDim16 : IKernelConstants
{
    public int HeadDim => 16;

    public float SoftmaxScale => 0.25f;

    public bool HasLogitSoftCap => false;

    public float LogitSoftCap => 0f;

    public bool HasSinks => false;
}

/// <summary>A right bound that <see cref="IWindowBounds"/> allows (it is a <see langword="long"/>) but no <see cref="AttentionWindow"/> can hold.</summary>
public readonly struct AdversarialLongRightBound : IWindowBounds
{
    public bool HasLeftBound => false;

    public long Left => 0;

    public bool HasRightBound => true;

    public long Right => long.MaxValue;

    public long ChunkSize => 0;

    public long SinkTokens => 0;
}

/// <summary>
/// Adversarial inputs for the CPU kernel (<c>ForwardCpu</c>, <c>ForwardCpuWithRuntimeWindow</c> and the public
/// <see cref="CpuAttention.Forward{TConstants, TWindow, TElement}"/>). Tests named <c>...</c> record defects found in
/// review and fail until they are fixed; the others pin behaviour that held up under attack and was not covered before.
/// </summary>
public sealed class CpuKernelAdversarialTests
{
    private const int Dim = 16;

    private readonly ITestOutputHelper _log;

    public CpuKernelAdversarialTests(ITestOutputHelper log) => _log = log;

    private delegate void RuntimeForward(float[] q, float[] k, float[] v, float[] sinks, float[] output, float[] logSumExp, AttentionWindow window, AttentionShape shape, CpuAttentionOptions? options);

    /// <summary>A head-size-16 spec's runtime-window CPU kernel and the reference options that go with it.</summary>
    private sealed record Spec(string Name, ReferenceAttention.Options Options, bool HasSinks, RuntimeForward Run)
    {
        public override string ToString() => Name;
    }

    private static readonly Spec Plain = new(nameof(AdversarialHead16), new(AdversarialHead16.SoftmaxScale), false,
        (q, k, v, s, o, l, w, shape, options) => AdversarialHead16.ForwardCpuWithRuntimeWindow(q, k, v, o, l, w, shape, options));

    private static readonly Spec Sinks = new(nameof(AdversarialSinks16), new(AdversarialSinks16.SoftmaxScale), true,
        (q, k, v, s, o, l, w, shape, options) => AdversarialSinks16.ForwardCpuWithRuntimeWindow(q, k, v, s, o, l, w, shape, options));

    private static readonly Spec SoftCap = new(nameof(AdversarialSoftCap16), new(AdversarialSoftCap16.SoftmaxScale, AdversarialSoftCap16.LogitSoftCap), false,
        (q, k, v, s, o, l, w, shape, options) => AdversarialSoftCap16.ForwardCpuWithRuntimeWindow(q, k, v, o, l, w, shape, options));

    private static readonly Spec[] AllSpecs = { Plain, Sinks, SoftCap };

    private static Spec SpecNamed(string name) => AllSpecs.Single(spec => spec.Name == name);

    // ------------------------------------------------------------------------------------------------------------
    // Findings: these fail until the kernel is fixed.
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// One query, one "attention sink" key that scores ln(1/0.9) above the others, which all tie: every other weight
    /// is 0.9 and every value 1.5, so every output is exactly 1.5 and the log-sum-exp is ln(1 + 0.9 (SeqK - 1)).
    /// The kernel adds each key's weight straight into the row's running sum (and each weighted value into the
    /// running output), so every add rounds at the running total's ulp: the error grows linearly with SeqK
    /// (1e-5 at 384 keys, 1.2e-4 at 4096, 4.7e-4 at 16384, 3e-2 at 1M). Summing each tile from zero first and adding
    /// the tile's total, FlashAttention's way, keeps it near 1e-6.
    /// </summary>
    [Theory]
    [InlineData(4096)]
    [InlineData(16384)]
    public void LongDiffuseRowsStayAccurate(int seqK)
    {
        var shape = new AttentionShape(1, 1, seqK, 1, 1);
        var q = new float[Dim];
        q[0] = 1f;
        var k = new float[seqK * Dim];
        for (var key = 1; key < seqK; key++)
        {
            k[key * Dim] = (float)(Math.Log(0.9) / AdversarialHead16.SoftmaxScale);
        }

        var v = Enumerable.Repeat(1.5f, seqK * Dim).ToArray();
        var (output, logSumExp) = Run(Plain, q, k, v, Array.Empty<float>(), AttentionWindow.Unbounded, shape);
        var expected = Reference(Plain, q, k, v, Array.Empty<float>(), AttentionWindow.Unbounded, shape);

        var outputError = ErrorReport.Compare(output, expected.Output);
        var logSumExpError = ErrorReport.Compare(logSumExp, expected.LogSumExp, relativeFloor: 1);
        _log.WriteLine($"SeqK {seqK}: output {output[0]} (exact 1.5), {outputError}; log-sum-exp {logSumExp[0]} vs {expected.LogSumExp[0]}, {logSumExpError}");
        Assert.True(outputError.MaxAbsolute <= 1e-5, $"output {output[0]} instead of 1.5: {outputError}");
        Assert.True(logSumExpError.MaxRelative <= 1e-5, $"log-sum-exp {logSumExp[0]} instead of {expected.LogSumExp[0]}: {logSumExpError}");
    }

    /// <summary>
    /// A row that sees keys, all of whose scores are -inf (an infinity in q or k): softmax is 0/0 there, and the
    /// reference writes NaN. The kernel writes zeros and a log-sum-exp of -inf, exactly what a row that sees no key
    /// writes, so the bad input vanishes (and a merge by log-sum-exp would drop the row as empty).
    /// </summary>
    [Theory]
    [InlineData(float.PositiveInfinity, -1f)]
    [InlineData(1f, float.NegativeInfinity)]
    public void RowWhoseVisibleScoresAreAllMinusInfinityIsNaN(float query0, float key0)
    {
        var shape = new AttentionShape(1, 1, 1, 1, 1);
        var q = new float[Dim];
        var k = new float[Dim];
        q[0] = query0;
        k[0] = key0;
        var v = Enumerable.Repeat(1f, Dim).ToArray();
        var (output, logSumExp) = Run(Plain, q, k, v, Array.Empty<float>(), AttentionWindow.Unbounded, shape);
        var expected = Reference(Plain, q, k, v, Array.Empty<float>(), AttentionWindow.Unbounded, shape);

        Assert.All(expected.Output, value => Assert.True(double.IsNaN(value)));
        Assert.True(output.All(float.IsNaN), $"output {output[0]} (the reference: NaN)");
        Assert.True(float.IsNaN(logSumExp[0]), $"log-sum-exp {logSumExp[0]} (NaN expected; the reference writes {expected.LogSumExp[0]}, see the report)");
    }

    /// <summary>
    /// A sink logit of +inf takes all the weight: the output is 0 and the log-sum-exp +inf, for a row that sees keys
    /// and for one that sees none. The kernel computes exp(sink - shift) with shift = +inf, so every row is NaN.
    /// (The reference gets the output right and writes -inf as the log-sum-exp.)
    /// </summary>
    [Fact]
    public void PlusInfiniteSinkTakesAllTheWeight()
    {
        // Causal bottom-right with SeqQ = 2 > SeqK = 1: query 0 sees no key, query 1 sees key 0.
        var shape = new AttentionShape(1, 2, 1, 1, 1);
        var window = AttentionWindow.Causal();
        var inputs = AttentionInputsForTests.Random(shape, Dim, hasSinks: true, seed: 3);
        var sinks = new[] { float.PositiveInfinity };
        var (output, logSumExp) = Run(Sinks, inputs.Q, inputs.K, inputs.V, sinks, window, shape);

        Assert.True(output.All(value => value == 0f), $"output [{string.Join(", ", output.Take(4))}, ...]; 0 expected");
        Assert.True(logSumExp.All(float.IsPositiveInfinity), $"log-sum-exp [{string.Join(", ", logSumExp)}]; +inf expected");
    }

    /// <summary>
    /// <see cref="CpuAttention.Forward{TConstants, TWindow, TElement}"/> takes the constants as an argument and validates the
    /// buffers with them, but the work items use <c>default(TConstants)</c>: constants held in fields become head size
    /// 0 and scale 0, and the call writes zeros and log-sum-exps of ln(SeqK) without complaint.
    /// </summary>
    [Fact]
    public void GenericEntryRunsWithTheConstantsItIsGiven()
    {
        var shape = new AttentionShape(1, 5, 7, 2, 1);
        var inputs = AttentionInputsForTests.Random(shape, Dim, hasSinks: false, seed: 5);
        var output = new float[inputs.Q.Length];
        var logSumExp = new float[shape.LogSumExpElements];
        var window = new AttentionWindow(3, 1);
        CpuAttention.Forward(
            new AdversarialFieldConstants { Dim = Dim, Scale = 0.25f }, new RuntimeWindowBounds(window), window.Alignment,
            inputs.Q, inputs.K, inputs.V, default, output, logSumExp, shape, writesLogSumExp: true, options: null);
        var expected = ReferenceAttention.Compute(inputs.Q, inputs.K, inputs.V, shape, Dim, window, new(0.25));

        var outputError = ErrorReport.Compare(output, expected.Output);
        var logSumExpError = ErrorReport.Compare(logSumExp, expected.LogSumExp, relativeFloor: 1);
        Assert.True(outputError.MaxAbsolute <= 1e-5, $"output {outputError}");
        Assert.True(logSumExpError.MaxRelative <= 1e-5, $"log-sum-exp {logSumExpError}");
    }

    /// <summary>
    /// The public generic entry point checks buffer lengths against the head size but not the head size itself:
    /// head size 20 runs the vector loops past each row (they step by the vector width) and head size 0 silently does
    /// nothing. Generated specs only have multiples of 16 from 16 to 256; anything else should be refused.
    /// </summary>
    [Fact]
    public void GenericEntryRefusesHeadSize20() => AssertHeadSizeRefused<AdversarialHeadDim20>(20);

    /// <inheritdoc cref="GenericEntryRefusesHeadSize20"/>
    [Fact]
    public void GenericEntryRefusesHeadSize0() => AssertHeadSizeRefused<AdversarialHeadDim0>(0);

    /// <summary>
    /// Head size 20 through the generic entry point, with q, k and v slices of arrays whose other elements are NaN:
    /// the kernel reads past the end of the value rows (the NaN around the slice reaches the output). With native
    /// memory ending at a page boundary this is an access violation that kills the process. Refusing the head size
    /// also passes.
    /// </summary>
    [Fact]
    public void GenericEntryNeverReadsOutsideItsSpans()
    {
        const int HeadDim = 20;
        const int Guard = 64;
        var shape = new AttentionShape(1, 3, 3, 1, 1);
        var random = new Random(7);
        ArraySegment<float> Guarded(long length)
        {
            var array = Enumerable.Repeat(float.NaN, (int)length + (2 * Guard)).ToArray();
            for (var index = 0; index < length; index++)
            {
                array[Guard + index] = (float)((random.NextDouble() * 4) - 2);
            }

            return new ArraySegment<float>(array, Guard, (int)length);
        }

        var q = Guarded(shape.QueryElements(HeadDim));
        var k = Guarded(shape.KeyElements(HeadDim));
        var v = Guarded(shape.KeyElements(HeadDim));
        var output = new float[shape.QueryElements(HeadDim)];
        try
        {
            CpuAttention.Forward(
                default(AdversarialHeadDim20), new RuntimeWindowBounds(AttentionWindow.Unbounded), WindowAlignment.BottomRight,
                q, k, v, default, output, default, shape, writesLogSumExp: false, options: null);
        }
        catch (ArgumentException)
        {
            return;
        }

        var expected = ReferenceAttention.Compute(q, k, v, shape, HeadDim, AttentionWindow.Unbounded, new(0.25));
        var error = ErrorReport.Compare(output, expected.Output);
        Assert.True(error.MaxAbsolute <= 1e-5, $"head size 20: {output.Count(float.IsNaN)} of {output.Length} outputs are NaN read from outside the spans; {error}");
    }

    /// <summary>
    /// <see cref="IWindowBounds"/> bounds are <see langword="long"/>, but the mask and tile plan add them to the
    /// diagonal unchecked: a right bound of long.MaxValue wraps and hides every key instead of none. Either refuse
    /// bounds outside int's range or handle them.
    /// </summary>
    [Fact]
    public void GenericEntryHandlesOrRefusesBoundsBeyondInt()
    {
        var shape = new AttentionShape(1, 9, 5, 1, 1);
        var inputs = AttentionInputsForTests.Random(shape, Dim, hasSinks: false, seed: 8);
        var output = new float[inputs.Q.Length];
        try
        {
            CpuAttention.Forward(
                default(AdversarialHeadDim16), default(AdversarialLongRightBound), WindowAlignment.BottomRight,
                inputs.Q, inputs.K, inputs.V, default, output, default, shape, writesLogSumExp: false, options: null);
        }
        catch (ArgumentException)
        {
            return;
        }

        var expected = ReferenceAttention.Compute(inputs.Q, inputs.K, inputs.V, shape, Dim, AttentionWindow.Unbounded, new(0.25));
        var error = ErrorReport.Compare(output, expected.Output);
        Assert.True(error.MaxAbsolute <= 1e-5, $"right bound long.MaxValue should show every key: {error}");
    }

    /// <summary>
    /// The generic entry point treats any alignment other than BottomRight as TopLeft; <see cref="AttentionWindow"/>'s
    /// constructor refuses undefined values, and so should the kernel.
    /// </summary>
    [Fact]
    public void GenericEntryRefusesAnUndefinedAlignment()
    {
        var shape = new AttentionShape(1, 4, 6, 1, 1);
        var inputs = AttentionInputsForTests.Random(shape, Dim, hasSinks: false, seed: 9);
        var output = new float[inputs.Q.Length];
        Assert.ThrowsAny<ArgumentException>(() => CpuAttention.Forward(
            default(AdversarialHeadDim16), new RuntimeWindowBounds(AttentionWindow.Causal()), (WindowAlignment)7,
            inputs.Q, inputs.K, inputs.V, default, output, default, shape, writesLogSumExp: false, options: null));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Regression tests: attacks that found nothing, kept because nothing else covers them.
    // ------------------------------------------------------------------------------------------------------------

    public static IEnumerable<object[]> PoisonCases()
    {
        var cases = new (string Spec, AttentionWindow Window, AttentionShape Shape)[]
        {
            (nameof(AdversarialHead16), AttentionWindow.Causal(63), new(1, 130, 130, 1, 1)),
            (nameof(AdversarialSinks16), AttentionWindow.Causal(63), new(1, 130, 130, 24, 1)),
            (nameof(AdversarialSoftCap16), AttentionWindow.Causal(64), new(2, 129, 129, 5, 1)),
            (nameof(AdversarialHead16), new(3, 2, WindowAlignment.TopLeft), new(1, 70, 200, 16, 1)),
            (nameof(AdversarialSinks16), new(-3, 10), new(1, 129, 129, 1, 1)),
            (nameof(AdversarialSoftCap16), new(10, -3), new(1, 129, 129, 2, 1)),
            (nameof(AdversarialHead16), new(0, 0), new(1, 65, 129, 3, 1)),
            (nameof(AdversarialSinks16), AttentionWindow.Causal(), new(1, 129, 65, 5, 1)),
            (nameof(AdversarialHead16), new(100, 0), new(1, 200, 300, 6, 2)),
        };
        return from c in cases
               from tensor in new[] { "q", "k", "v" }
               select new object[] { c.Spec, c.Window.Left!, c.Window.Right!, c.Window.Alignment, c.Shape, tensor };
    }

    /// <summary>
    /// NaN, +inf and -inf in every dimension of one position (every head, batch 0) of q, k or v, at edge tiles
    /// (keys 63, 64, 65, 127, 128, the last) and inside: every row that does not see the position is bit-identical to
    /// the clean run, output and log-sum-exp.
    /// </summary>
    [Theory]
    [MemberData(nameof(PoisonCases))]
    public void PoisonNeverReachesRowsThatDoNotSeeIt(string specName, int? left, int? right, WindowAlignment alignment, AttentionShape shape, string tensor)
    {
        var spec = SpecNamed(specName);
        var window = new AttentionWindow(left, right, alignment);
        var inputs = AttentionInputsForTests.Random(shape, Dim, spec.HasSinks, seed: shape.SeqQ + shape.Heads);
        var (cleanOutput, cleanLogSumExp) = Run(spec, inputs.Q, inputs.K, inputs.V, inputs.Sinks, window, shape);
        var length = tensor == "q" ? shape.SeqQ : shape.SeqK;
        var heads = tensor == "q" ? shape.Heads : shape.KvHeads;
        var positions = new[] { 0, 1, 63, 64, 65, 100, 127, 128, length - 1 }.Where(position => position < length).Distinct();
        var seen = 0;
        foreach (var position in positions)
        foreach (var poison in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            var q = (float[])inputs.Q.Clone();
            var k = (float[])inputs.K.Clone();
            var v = (float[])inputs.V.Clone();
            var target = tensor == "q" ? q : tensor == "k" ? k : v;
            Array.Fill(target, poison, position * heads * Dim, heads * Dim);
            var (output, logSumExp) = Run(spec, q, k, v, inputs.Sinks, window, shape);
            for (var batch = 0; batch < shape.Batch; batch++)
            for (var query = 0; query < shape.SeqQ; query++)
            for (var head = 0; head < shape.Heads; head++)
            {
                var sees = batch == 0 && (tensor == "q" ? query == position : window.IsVisible(query, position, shape.SeqQ, shape.SeqK));
                if (sees)
                {
                    seen++;
                    continue;
                }

                var row = (int)((((long)batch * shape.SeqQ) + query) * shape.Heads + head) * Dim;
                var logSumExpIndex = (int)((((long)batch * shape.Heads) + head) * shape.SeqQ) + query;
                var same = output.AsSpan(row, Dim).SequenceEqual(cleanOutput.AsSpan(row, Dim))
                    && BitConverter.SingleToInt32Bits(logSumExp[logSumExpIndex]) == BitConverter.SingleToInt32Bits(cleanLogSumExp[logSumExpIndex]);
                Assert.True(same, $"{spec} {window} {shape}: {tensor}[{position}] = {poison} changed batch {batch} query {query} head {head}, which does not see it: output {output[row]} (clean {cleanOutput[row]}), log-sum-exp {logSumExp[logSumExpIndex]} (clean {cleanLogSumExp[logSumExpIndex]})");
            }
        }

        Assert.True(seen > 0, "no row saw any poisoned position: the case tests nothing");
    }

    /// <summary>One poisoned head of one query in a block of 24 heads (one KV head): the other 23 rows of the block are untouched.</summary>
    [Fact]
    public void PoisonedQueryHeadStaysInItsOwnRow()
    {
        var shape = new AttentionShape(1, 3, 70, 24, 1);
        var window = new AttentionWindow(5, 66);
        var inputs = AttentionInputsForTests.Random(shape, Dim, hasSinks: false, seed: 10);
        var (clean, _) = Run(Plain, inputs.Q, inputs.K, inputs.V, inputs.Sinks, window, shape);
        foreach (var head in new[] { 0, 7, 8, 15, 16, 23 })
        {
            var q = (float[])inputs.Q.Clone();
            q[((1 * shape.Heads) + head) * Dim] = float.NaN;
            var (output, _) = Run(Plain, q, inputs.K, inputs.V, inputs.Sinks, window, shape);
            for (var row = 0; row < shape.SeqQ * shape.Heads; row++)
            {
                var poisoned = row == shape.Heads + head;
                var range = output.AsSpan(row * Dim, Dim);
                Assert.True(poisoned ? range.ToArray().All(float.IsNaN) : range.SequenceEqual(clean.AsSpan(row * Dim, Dim)), $"head {head} poisoned, row {row}");
            }
        }
    }

    public static IEnumerable<object[]> EdgeLengths()
    {
        int[] lengths = { 63, 64, 65, 127, 128, 129 };
        (int Heads, int KvHeads)[] groups = { (1, 1), (3, 1), (5, 1), (16, 1), (24, 1), (4, 4) };
        var index = 0;
        foreach (var seqQ in lengths)
        foreach (var seqK in lengths)
        {
            var (heads, kvHeads) = groups[index++ % groups.Length];
            yield return new object[] { new AttentionShape(1 + (index % 2), seqQ, seqK, heads, kvHeads) };
        }
    }

    /// <summary>
    /// A baked window of exactly one 64-key tile (W = 64) on lengths W - 1, W, W + 1, 2W - 1, 2W, 2W + 1, SeqQ
    /// below, at and above SeqK, GQA ratios 1 to 24: matches the reference, and the runtime window gives the same bits.
    /// </summary>
    [Theory]
    [MemberData(nameof(EdgeLengths))]
    public void WindowOfOneTileMatchesTheReferenceAtTileEdges(AttentionShape shape)
    {
        var inputs = AttentionInputsForTests.Random(shape, AdversarialWindow64.HeadDim, hasSinks: false, seed: shape.SeqQ * 131 + shape.SeqK);
        var baked = new float[inputs.Q.Length];
        var bakedLogSumExp = new float[shape.LogSumExpElements];
        AdversarialWindow64.ForwardCpu(inputs.Q, inputs.K, inputs.V, baked, bakedLogSumExp, shape);
        var runtime = new float[inputs.Q.Length];
        var runtimeLogSumExp = new float[shape.LogSumExpElements];
        AdversarialWindow64.ForwardCpuWithRuntimeWindow(inputs.Q, inputs.K, inputs.V, runtime, runtimeLogSumExp, AdversarialWindow64.Window, shape);
        var expected = ReferenceAttention.Compute(inputs.Q, inputs.K, inputs.V, shape, AdversarialWindow64.HeadDim, AdversarialWindow64.Window, new(AdversarialWindow64.SoftmaxScale));

        Assert.True(baked.AsSpan().SequenceEqual(runtime) && bakedLogSumExp.AsSpan().SequenceEqual(runtimeLogSumExp), "baked and runtime windows differ");
        AssertMatches(baked, bakedLogSumExp, expected, $"{AdversarialWindow64.Window} {shape}");

        // The same shape through a top-left band with exclusive bounds, sinks and a soft cap.
        var band = AttentionInputsForTests.Random(shape, AdversarialBand127.HeadDim, hasSinks: true, seed: shape.SeqK);
        var output = new float[band.Q.Length];
        var logSumExp = new float[shape.LogSumExpElements];
        AdversarialBand127.ForwardCpu(band.Q, band.K, band.V, band.Sinks, output, logSumExp, shape);
        var bandExpected = ReferenceAttention.Compute(band.Q, band.K, band.V, shape, AdversarialBand127.HeadDim, AdversarialBand127.Window,
            new(AdversarialBand127.SoftmaxScale, AdversarialBand127.LogitSoftCap), band.Sinks);
        Assert.Equal(new AttentionWindow(63, 63, WindowAlignment.TopLeft), AdversarialBand127.Window);
        AssertMatches(output, logSumExp, bandExpected, $"{AdversarialBand127.Window} {shape}");
    }

    public static IEnumerable<object[]> ExtremeWindows()
    {
        var bounds = new (int? Left, int? Right)[]
        {
            (int.MaxValue, int.MaxValue), (int.MaxValue, null), (null, int.MaxValue), (int.MaxValue, int.MinValue + 1),
            (int.MinValue + 1, int.MaxValue), (int.MinValue, null), (null, int.MinValue), (-64, 64), (64, -64), (-65, 65),
            (-65, 0), (-1, 0), (-64, 63), (0, 0), (null, null),
        };
        var shapes = new AttentionShape[] { new(1, 65, 129, 3, 1), new(2, 129, 64, 24, 1), new(1, 1, 129, 16, 1), new(1, 128, 128, 1, 1) };
        var index = 0;
        foreach (var (left, right) in bounds)
        foreach (var alignment in new[] { WindowAlignment.BottomRight, WindowAlignment.TopLeft })
        {
            yield return new object[] { AllSpecs[index % 3].Name, left!, right!, alignment, shapes[index % shapes.Length] };
            index++;
        }
    }

    /// <summary>Bounds at int's limits, negative bounds (the diagonal hidden), windows that hide everything: as the reference.</summary>
    [Theory]
    [MemberData(nameof(ExtremeWindows))]
    public void ExtremeBoundsMatchTheReference(string specName, int? left, int? right, WindowAlignment alignment, AttentionShape shape)
    {
        var spec = SpecNamed(specName);
        var window = new AttentionWindow(left, right, alignment);
        var inputs = AttentionInputsForTests.Random(shape, Dim, spec.HasSinks, seed: 11);
        var (output, logSumExp) = Run(spec, inputs.Q, inputs.K, inputs.V, inputs.Sinks, window, shape);
        AssertMatches(output, logSumExp, Reference(spec, inputs.Q, inputs.K, inputs.V, inputs.Sinks, window, shape), $"{spec} {window} {shape}");
    }

    public static IEnumerable<object[]> Magnitudes() => new[]
    {
        new object[] { nameof(AdversarialHead16), 50f, 50f },
        new object[] { nameof(AdversarialHead16), 50f, -50f },
        new object[] { nameof(AdversarialHead16), 1e15f, -1e15f },
        new object[] { nameof(AdversarialHead16), 0f, 0f },
        new object[] { nameof(AdversarialSinks16), 50f, 50f },
        new object[] { nameof(AdversarialSinks16), 1e15f, -1e15f },
        new object[] { nameof(AdversarialSoftCap16), 1e15f, 1e15f },
        new object[] { nameof(AdversarialSoftCap16), 1e15f, -1e15f },
    };

    /// <summary>
    /// Equal scores of +-10^4 and -4e30 (q and k constant): far beyond exp's range, and exact after the max shift,
    /// with and without sinks; the soft cap brings scores of 4e30 back to its cap.
    /// </summary>
    [Theory]
    [MemberData(nameof(Magnitudes))]
    public void HugeEqualScoresStayExact(string specName, float query, float key)
    {
        var spec = SpecNamed(specName);
        var shape = new AttentionShape(1, 130, 130, 2, 1);
        var window = new AttentionWindow(70, 3);
        var inputs = AttentionInputsForTests.Random(shape, Dim, spec.HasSinks, seed: 12);
        var q = Enumerable.Repeat(query, inputs.Q.Length).ToArray();
        var k = Enumerable.Repeat(key, inputs.K.Length).ToArray();
        var (output, logSumExp) = Run(spec, q, k, inputs.V, inputs.Sinks, window, shape);
        AssertMatches(output, logSumExp, Reference(spec, q, k, inputs.V, inputs.Sinks, window, shape), $"{spec} q = {query}, k = {key}");
    }

    /// <summary>Random q and k of magnitude 1e10 under a soft cap of 5: the scores (up to 1e20) saturate at the cap, as in the reference.</summary>
    [Fact]
    public void SoftCapTamesHugeScores()
    {
        var shape = new AttentionShape(1, 130, 130, 2, 1);
        var window = new AttentionWindow(70, 3);
        var inputs = AttentionInputsForTests.Random(shape, Dim, hasSinks: false, seed: 13);
        var q = inputs.Q.Select(value => value * 5e9f).ToArray();
        var k = inputs.K.Select(value => value * 5e9f).ToArray();
        var (output, logSumExp) = Run(SoftCap, q, k, inputs.V, inputs.Sinks, window, shape);
        AssertMatches(output, logSumExp, Reference(SoftCap, q, k, inputs.V, inputs.Sinks, window, shape), "soft cap, |q|, |k| ~ 1e10");
    }

    /// <summary>Sink logits of -inf (as no sink), +-3.4e38, +-1e30 and 100: rows that see keys and rows that see none, as the reference.</summary>
    [Theory]
    [InlineData(float.NegativeInfinity)]
    [InlineData(float.MinValue)]
    [InlineData(-1e30f)]
    [InlineData(100f)]
    [InlineData(1e30f)]
    [InlineData(float.MaxValue)]
    public void ExtremeSinkLogitsMatchTheReference(float sink)
    {
        var shape = new AttentionShape(1, 20, 10, 2, 1);
        var window = AttentionWindow.Causal();
        var inputs = AttentionInputsForTests.Random(shape, Dim, hasSinks: true, seed: 14);
        var sinks = new[] { sink, sink };
        var (output, logSumExp) = Run(Sinks, inputs.Q, inputs.K, inputs.V, sinks, window, shape);
        AssertMatches(output, logSumExp, Reference(Sinks, inputs.Q, inputs.K, inputs.V, sinks, window, shape), $"sink {sink}");
        Assert.All(output.Take(10 * shape.Heads * Dim), value => Assert.Equal(0f, value));
    }

    /// <summary>
    /// A NaN sink logit poisons every row's log-sum-exp (NaN, where the reference writes -inf: its sum &gt; 0 test
    /// turns NaN into "no key") and the output of every row that sees keys.
    /// </summary>
    [Fact]
    public void NaNSinkLogitPoisonsTheRow()
    {
        var shape = new AttentionShape(1, 70, 70, 3, 1);
        var inputs = AttentionInputsForTests.Random(shape, Dim, hasSinks: true, seed: 15);
        var sinks = new[] { float.NaN, float.NaN, float.NaN };
        var (output, logSumExp) = Run(Sinks, inputs.Q, inputs.K, inputs.V, sinks, new AttentionWindow(5, 0), shape);
        Assert.All(output, value => Assert.True(float.IsNaN(value)));
        Assert.All(logSumExp, value => Assert.True(float.IsNaN(value)));
    }

    /// <summary>
    /// Thread counts 1, 2, 3, 7, 64, int.MaxValue and all cores, and 16 calls at once on one set of inputs, on
    /// decode, groups of 24 and 16 heads, odd lengths and one key: the same bits every time.
    /// </summary>
    [Fact]
    public void ThreadCountsAndConcurrentCallsGiveTheSameBits()
    {
        var shapes = new AttentionShape[] { new(3, 1, 200, 24, 1), new(2, 129, 65, 16, 1), new(1, 33, 129, 5, 1), new(2, 64, 64, 6, 2), new(1, 1, 1, 1, 1) };
        foreach (var shape in shapes)
        foreach (var spec in AllSpecs)
        {
            var inputs = AttentionInputsForTests.Random(shape, Dim, spec.HasSinks, seed: shape.SeqK);
            var window = new AttentionWindow(40, 3);
            (float[] Output, float[] LogSumExp) RunWith(int threads) =>
                Run(spec, inputs.Q, inputs.K, inputs.V, inputs.Sinks, window, shape, new CpuAttentionOptions { MaxDegreeOfParallelism = threads });

            var single = RunWith(1);
            void AssertSame((float[] Output, float[] LogSumExp) other, string what) =>
                Assert.True(other.Output.AsSpan().SequenceEqual(single.Output) && other.LogSumExp.AsSpan().SequenceEqual(single.LogSumExp), $"{spec} {shape}: {what} differs from one thread");

            foreach (var threads in new[] { 2, 3, 7, 64, int.MaxValue, -1 })
            {
                AssertSame(RunWith(threads), $"{threads} threads");
            }

            var concurrent = new (float[], float[])[16];
            Parallel.For(0, concurrent.Length, new ParallelOptions { MaxDegreeOfParallelism = concurrent.Length }, call => concurrent[call] = RunWith((call % 3) + 1));
            foreach (var result in concurrent)
            {
                AssertSame(result, "a concurrent call");
            }
        }
    }

    public static IEnumerable<object[]> BadBuffers() =>
        from buffer in new[] { "q", "k", "v", "sinkLogits", "output", "logSumExp" }
        from change in new[] { -1, 1, int.MinValue }
        select new object[] { buffer, change };

    /// <summary>Every buffer empty, one short or one long, on both entry points: ArgumentException naming it, before any work.</summary>
    [Theory]
    [MemberData(nameof(BadBuffers))]
    public void BadBufferLengthsThrowArgumentException(string buffer, int change)
    {
        var shape = new AttentionShape(2, 5, 7, 4, 2);
        float[] Buffer(string name, long length) => new float[name != buffer ? length : change == int.MinValue ? 0 : length + change];
        var q = Buffer("q", shape.QueryElements(Dim));
        var k = Buffer("k", shape.KeyElements(Dim));
        var v = Buffer("v", shape.KeyElements(Dim));
        var sinks = Buffer("sinkLogits", shape.Heads);
        var output = Buffer("output", shape.QueryElements(Dim));
        var logSumExp = Buffer("logSumExp", shape.LogSumExpElements);

        var baked = Assert.ThrowsAny<ArgumentException>(() => AdversarialSinks16.ForwardCpu(q, k, v, sinks, output, logSumExp, shape));
        Assert.Equal(buffer, baked.ParamName);
        var runtime = Assert.ThrowsAny<ArgumentException>(() => AdversarialSinks16.ForwardCpuWithRuntimeWindow(q, k, v, sinks, output, logSumExp, new AttentionWindow(3, 0), shape));
        Assert.Equal(buffer, runtime.ParamName);
        Assert.All(output, value => Assert.Equal(0f, value));
    }

    /// <summary>Shapes no kernel can run, and every buffer empty: ArgumentException.</summary>
    [Theory]
    [InlineData(1, 1, 1, 0, 0)]
    [InlineData(1, 1, 1, 2, 4)]
    [InlineData(1, 1, 1, 65536, 1)]
    [InlineData(65536, 1, 1, 1, 1)]
    [InlineData(1, int.MaxValue, int.MaxValue, 65535, 1)]
    [InlineData(int.MinValue, 1, 1, 1, 1)]
    public void ImpossibleShapesThrowArgumentException(int batch, int seqQ, int seqK, int heads, int kvHeads)
    {
        var shape = new AttentionShape(batch, seqQ, seqK, heads, kvHeads);
        Assert.ThrowsAny<ArgumentException>(() => AdversarialHead16.ForwardCpu(default, default, default, default, shape));
        Assert.ThrowsAny<ArgumentException>(() => AdversarialSinks16.ForwardCpuWithRuntimeWindow(default, default, default, default, default, default, AttentionWindow.Unbounded, shape));
    }

    /// <summary>
    /// q, k, v and the sinks as slices of arrays full of NaN, output and log-sum-exp as slices of arrays full of a
    /// marker: the same bits as whole arrays, and nothing outside the slices written.
    /// </summary>
    [Fact]
    public void SlicesOfLargerArraysAreReadAndWrittenOnlyInside()
    {
        const int Guard = 37;
        const float Marker = 12345f;
        var shape = new AttentionShape(2, 70, 130, 6, 2);
        var window = new AttentionWindow(64, 1);
        var inputs = AttentionInputsForTests.Random(shape, Dim, hasSinks: true, seed: 16);
        var (expectedOutput, expectedLogSumExp) = Run(Sinks, inputs.Q, inputs.K, inputs.V, inputs.Sinks, window, shape);

        static float[] Around(float[] inside, float fill)
        {
            var array = Enumerable.Repeat(fill, inside.Length + (2 * Guard)).ToArray();
            inside.CopyTo(array, Guard);
            return array;
        }

        var q = Around(inputs.Q, float.NaN);
        var k = Around(inputs.K, float.NaN);
        var v = Around(inputs.V, float.NaN);
        var sinks = Around(inputs.Sinks, float.NaN);
        var output = Around(new float[expectedOutput.Length], Marker);
        var logSumExp = Around(new float[expectedLogSumExp.Length], Marker);
        AdversarialSinks16.ForwardCpuWithRuntimeWindow(
            q.AsSpan(Guard, inputs.Q.Length), k.AsSpan(Guard, inputs.K.Length), v.AsSpan(Guard, inputs.V.Length), sinks.AsSpan(Guard, inputs.Sinks.Length),
            output.AsSpan(Guard, expectedOutput.Length), logSumExp.AsSpan(Guard, expectedLogSumExp.Length), window, shape);

        Assert.True(output.AsSpan(Guard, expectedOutput.Length).SequenceEqual(expectedOutput), "output of slices differs");
        Assert.True(logSumExp.AsSpan(Guard, expectedLogSumExp.Length).SequenceEqual(expectedLogSumExp), "log-sum-exp of slices differs");
        Assert.All(output.Take(Guard).Concat(output.Skip(Guard + expectedOutput.Length)), value => Assert.Equal(Marker, value));
        Assert.All(logSumExp.Take(Guard).Concat(logSumExp.Skip(Guard + expectedLogSumExp.Length)), value => Assert.Equal(Marker, value));
    }

    /// <summary>
    /// The closed-form count against a per-query count for bounds at int's limits and lengths up to 200000, and
    /// against exact formulas at SeqQ = SeqK = int.MaxValue.
    /// </summary>
    [Fact]
    public void VisiblePairsIsExactAtExtremeBoundsAndSizes()
    {
        int?[] bounds = { null, 0, 1, -1, 5, -5, 1000, -1000, int.MaxValue, int.MinValue, int.MinValue + 1, int.MaxValue - 1 };
        foreach (var left in bounds)
        foreach (var right in bounds)
        foreach (var alignment in new[] { WindowAlignment.BottomRight, WindowAlignment.TopLeft })
        foreach (var (seqQ, seqK) in new[] { (1, 1), (3000, 1), (1, 3000), (2500, 1777), (200_000, 3), (3, 200_000) })
        {
            var window = new AttentionWindow(left, right, alignment);
            long counted = 0;
            for (var query = 0; query < seqQ; query++)
            {
                counted += window.VisibleKeys(query, seqQ, seqK).Count;
            }

            Assert.True(counted == window.VisiblePairs(seqQ, seqK), $"{window} {seqQ}x{seqK}: counted {counted}, closed form {window.VisiblePairs(seqQ, seqK)}");
        }

        const long Max = int.MaxValue;
        Assert.Equal(Max * Max, AttentionWindow.Unbounded.VisiblePairs(int.MaxValue, int.MaxValue));
        Assert.Equal(Max * (Max + 1) / 2, AttentionWindow.Causal().VisiblePairs(int.MaxValue, int.MaxValue));
        Assert.Equal(Max * Max, new AttentionWindow(int.MaxValue, int.MaxValue).VisiblePairs(int.MaxValue, int.MaxValue));
        Assert.Equal(Max, new AttentionWindow(0, 0).VisiblePairs(int.MaxValue, int.MaxValue));
        Assert.Equal(0, new AttentionWindow(int.MinValue, null).VisiblePairs(int.MaxValue, int.MaxValue));
        Assert.Equal(0, AttentionWindow.Unbounded.VisiblePairs(int.MinValue, 5));
        Assert.Equal(AdversarialWindow64.Window.VisiblePairs(int.MaxValue, 7), AdversarialWindow64.VisiblePairs(int.MaxValue, 7));
    }

    /// <summary>
    /// The 512-bit path (16 lanes, <c>DOTNET_MaxVectorTBitWidth=512</c>), which no other test takes: the fallback
    /// program against the reference, where the machine has AVX-512.
    /// </summary>
    [Fact]
    public void SixteenLanePathMatchesTheReference()
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            _log.WriteLine("no AVX-512 here: the 16-lane path cannot run");
            return;
        }

        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var program = Path.Combine(testOutput.Parent!.Parent!.Parent!.Parent!.FullName, "KernelGen.CpuFallback", "bin", testOutput.Parent.Name, testOutput.Name, "KernelGen.CpuFallback.dll");
        Assert.True(File.Exists(program), $"{program} was not built");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(program);
        start.Environment["DOTNET_MaxVectorTBitWidth"] = "512";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        _log.WriteLine(output);
        Assert.Contains("Vector<float>: 16 lanes", output);
        Assert.Equal(0, process.ExitCode);
        Assert.DoesNotContain("FAILED", output);
    }

    private static (float[] Output, float[] LogSumExp) Run(Spec spec, float[] q, float[] k, float[] v, float[] sinks, AttentionWindow window, AttentionShape shape, CpuAttentionOptions? options = null)
    {
        var output = new float[q.Length];
        var logSumExp = new float[shape.LogSumExpElements];
        spec.Run(q, k, v, sinks, output, logSumExp, window, shape, options);
        return (output, logSumExp);
    }

    private static void AssertHeadSizeRefused<TConstants>(int headDim)
        where TConstants : struct, IKernelConstants
    {
        var shape = new AttentionShape(1, 3, 3, 1, 1);
        var q = new float[shape.QueryElements(headDim)];
        var kv = new float[shape.KeyElements(headDim)];
        var output = new float[q.Length];
        var error = Record.Exception(() => CpuAttention.Forward(
            default(TConstants), new RuntimeWindowBounds(AttentionWindow.Unbounded), WindowAlignment.BottomRight,
            q, kv, kv, default, output, default, shape, writesLogSumExp: false, options: null));
        Assert.True(error is ArgumentException, $"head size {headDim} was accepted ({error?.GetType().Name ?? "no exception"}); only multiples of 16 from 16 to 256 can run");
    }

    private static ReferenceAttention.Result Reference(Spec spec, float[] q, float[] k, float[] v, float[] sinks, AttentionWindow window, AttentionShape shape) =>
        ReferenceAttention.Compute(q, k, v, shape, Dim, window, spec.Options, sinks);

    private static void AssertMatches(float[] output, float[] logSumExp, ReferenceAttention.Result expected, string what)
    {
        var outputError = ErrorReport.Compare(output, expected.Output);
        var logSumExpError = ErrorReport.Compare(logSumExp, expected.LogSumExp, relativeFloor: 1);
        Assert.True(outputError.MaxAbsolute <= 1e-5, $"{what}: output {outputError}");
        Assert.True(logSumExpError.MaxRelative <= 1e-5, $"{what}: log-sum-exp {logSumExpError}");
    }
}
