using System;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>
/// The offline efficiency measure: <see cref="PtxLoopAnalysis"/> on hand-written PTX (so that its rules are pinned),
/// then on the generated kernels, whose innermost arithmetic loops must reuse what they load from shared memory.
/// </summary>
public sealed class PtxLoopAnalysisTests
{
    private readonly ITestOutputHelper _log;

    public PtxLoopAnalysisTests(ITestOutputHelper log) => _log = log;

    // An outer loop (L_outer) around an inner loop (L_inner) with a conditional branch inside it, a loop-free tail,
    // and every counting rule: fma, mul feeding one add, mul feeding two instructions, mul.rn, vector and 8-byte loads,
    // a generic load through a shared address, and a generic load from a parameter pointer.
    private const string HandWritten = """
        .version 8.8
        .target sm_80
        .address_size 64
        .visible .entry Kernel(
            .param .b64 _p
        )
        {
            .shared .align 4 .b8 __shared_alloca0[1024];
            .shared .align 16 .b8 __shared_alloca1[512];
            .reg .pred %p<4>;
            .reg .f32 %f<40>;
            .reg .b64 %rd<20>;
            .reg .b32 %r<8>;
            ld.param.b64 %rd1, [_p];
            mov.b64 %rd2, __shared_alloca0;
            mov.b64 %rd3, __shared_alloca1;
            mov.b32 %r1, 0;
        L_outer:
            mov.b32 %r2, 0;
            ld.f32 %f30, [%rd1];
        L_inner:
            add.u64 %rd4, %rd2, 8;
            ld.shared.f32 %f1, [%rd4];
            ld.shared.v4.f32 {%f2, %f3, %f4, %f5}, [%rd3];
            ld.shared.b64 %rd9, [%rd3];
            ld.f32 %f6, [%rd4];
            ld.f32 %f7, [%rd1];
            fma.rn.f32 %f10, %f1, %f2, %f10;
            mul.f32 %f11, %f3, %f4;
            add.f32 %f12, %f11, %f12;
            mul.f32 %f13, %f3, %f5;
            add.f32 %f14, %f13, %f14;
            add.f32 %f15, %f13, %f15;
            mul.rn.f32 %f16, %f6, %f7;
            add.f32 %f17, %f16, %f17;
            setp.lt.s32 %p1, %r2, 4;
            @%p1 bra L_skip;
            add.f32 %f18, %f18, %f1;
        L_skip:
            add.s32 %r2, %r2, 1;
            setp.lt.s32 %p2, %r2, 16;
            @%p2 bra L_inner;
            add.s32 %r1, %r1, 1;
            setp.lt.s32 %p3, %r1, 8;
            @%p3 bra L_outer;
            st.f32 [%rd1], %f10;
            ret;
        }
        """;

    [Fact]
    public void CountsOnlyTheInnermostLoopAndOnlyContractibleMultiplyAdds()
    {
        var analysis = PtxLoopAnalysis.Analyse(HandWritten);
        _log.WriteLine(analysis.ToString());

        Assert.Equal(2, analysis.LoopCount);
        var loop = Assert.Single(analysis.InnermostLoops);
        Assert.Equal("L_inner", loop.Header);

        // fma.rn.f32, and the mul whose only use is an add; not the mul with two uses, nor mul.rn.
        Assert.Equal(2, loop.MultiplyAdds);

        // ld.shared.f32 (1) + ld.shared.v4.f32 (4) + ld.shared.b64 (2) + a generic load from a shared address (1).
        Assert.Equal(8, loop.SharedElements);
        Assert.Equal(new[] { 0, 1 }, loop.SharedArraysRead);

        // The generic load from the parameter's pointer is global; the one in the outer loop is not in this loop.
        Assert.Equal(1, loop.GlobalElements);
        Assert.Equal(0.25, loop.PerSharedElement);
        Assert.Equal(new[] { 1024, 512 }, analysis.SharedAllocations.Select(allocation => allocation.Bytes));
    }

    [Fact]
    public void AnUnconditionalBranchHasOneSuccessorAndReturnNone()
    {
        // The loop's back edge is conditional: taking it or falling through. The code after ret is unreachable, so
        // its "back edge" forms no loop.
        const string ptx = """
            .visible .entry Kernel()
            {
                .reg .pred %p<2>;
                .reg .b32 %r<4>;
                mov.b32 %r1, 0;
            L_head:
                add.s32 %r1, %r1, 1;
                setp.lt.s32 %p1, %r1, 4;
                @%p1 bra L_head;
                bra L_end;
            L_dead:
                add.s32 %r2, %r2, 1;
                bra L_dead;
            L_end:
                ret;
            }
            """;
        var analysis = PtxLoopAnalysis.Analyse(ptx);
        Assert.Equal(1, analysis.LoopCount);
        Assert.Equal("L_head", Assert.Single(analysis.InnermostLoops).Header);
    }

    [Fact]
    public void AnExternFunctionIsAnError()
    {
        var ptx = HandWritten.Replace(".visible .entry", ".extern .func (.param .b32 r) fmaf(.param .b32 a, .param .b32 b, .param .b32 c);\n.visible .entry");
        var error = Assert.Throws<InvalidOperationException>(() => PtxLoopAnalysis.Analyse(ptx));
        Assert.Contains("fmaf", error.Message);
    }

    public static TheoryData<string> MeasuredSpecs => new()
    {
        nameof(DefaultTiles64), nameof(DefaultTiles128), nameof(DefaultTiles64Float16), nameof(DefaultTiles128Float16), nameof(DefaultTiles128BFloat16),
    };

    /// <summary>
    /// The generated kernel's Q·Kᵀ and P·V loops (the innermost loops that read the K tile and the V tile): multiply-adds
    /// per element they load from shared memory. 8 x 8 register blocks give 4: each loaded value feeds 8 multiply-adds.
    /// No other innermost loop may do more than a few multiply-adds per trip, so no arithmetic escapes the measure.
    /// </summary>
    [Theory]
    [MemberData(nameof(MeasuredSpecs))]
    public void GeneratedKernelArithmeticLoopsReuseWhatTheyLoad(string specName)
    {
        var ptx = PtxTests.CompilePtx(PtxTests.SpecType(specName));
        var analysis = PtxLoopAnalysis.Analyse(ptx);
        _log.WriteLine($"{specName}: {analysis}");
        foreach (var loop in analysis.ArithmeticLoops)
        {
            _log.WriteLine($"{Role(loop)}: {loop.PerSharedElement:0.00} FMA per shared element, "
                + (loop.GlobalElements == 0 ? "no global loads" : $"{loop.PerGlobalElement:0.00} FMA per global element"));
        }

        var queryKey = analysis.InnermostLoops.Where(loop => Role(loop) == "Q·Kᵀ").ToList();
        var probabilityValue = analysis.InnermostLoops.Where(loop => Role(loop) == "P·V").ToList();
        Assert.NotEmpty(queryKey);
        Assert.NotEmpty(probabilityValue);
        Assert.All(queryKey.Concat(probabilityValue), loop => Assert.True(loop.PerSharedElement >= MinimumPerSharedElement, $"{specName} {Role(loop)}: {loop}"));
        Assert.All(analysis.InnermostLoops.Where(loop => Role(loop) == "other"), loop => Assert.True(loop.MultiplyAdds <= 2, $"{specName}: unmeasured arithmetic in {loop}"));
    }

    /// <summary>The floor both loops reach: 8 x 8 register blocks, each value loaded from shared memory used 8 times.</summary>
    private const double MinimumPerSharedElement = 4.0;

    // The kernel allocates its shared arrays in this order (ILGPU numbers them in allocation order): Q, K, V, scores, ...
    private const int KeyTileAllocation = 1;
    private const int ValueTileAllocation = 2;

    private static string Role(PtxLoopAnalysis.InnermostLoop loop) =>
        loop.SharedArraysRead.Contains(KeyTileAllocation) ? "Q·Kᵀ" : loop.SharedArraysRead.Contains(ValueTileAllocation) ? "P·V" : "other";
}
