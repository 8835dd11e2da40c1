using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Xunit;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>
/// Every generated kernel compiles for CUDA through ILGPU's PTX backend, with no GPU: the checks that only CUDA
/// would otherwise make (shared memory, local memory, intrinsics), and proof that the window is baked in.
/// </summary>
public sealed class PtxTests
{
    public static IEnumerable<object[]> GeneratedSpecs() =>
        typeof(PtxTests).Assembly.GetTypes()
            .Where(type => type.GetCustomAttribute<AttentionKernelAttribute>() is not null)
            .OrderBy(type => type.Name, StringComparer.Ordinal)
            .Select(type => new object[] { type.Name });

    [Theory]
    [MemberData(nameof(GeneratedSpecs))]
    public void CompilesForCudaWithTheWindowAsConstants(string specName)
    {
        var spec = SpecType(specName);
        var ptx = CompilePtx(spec);

        Assert.DoesNotContain(".local", ptx);
        Assert.DoesNotContain(".extern .func", ptx);
        Assert.Contains("bar.sync", ptx);
        Assert.Contains("ex2.approx", ptx);

        var shared = Regex.Matches(ptx, @"\.shared \.align \d+ \.b8 \w+\[(\d+)\]").Sum(match => int.Parse(match.Groups[1].Value));
        Assert.Equal(Constant<int>(spec, "SharedMemoryBytes"), shared);
        Assert.InRange(shared, 1, 48 * 1024);

        // The kernel's parameters are the buffers, the layouts, the runtime sizes and schedule, and the baked constants and
        // window, empty structs of one byte: no window bound or score step travels as a parameter.
        var parameters = Parameters(ptx);
        var expected = new[] { "q", "k", "v", "sinkLogits", "output", "logSumExp", "sequences", "partials", "geometry", "schedule", "constants", "window" };
        Assert.Equal(expected, parameters.Select(p => p.Name));
        Assert.Equal(1, parameters.Single(p => p.Name == "window").Bytes);
        Assert.Equal(1, parameters.Single(p => p.Name == "constants").Bytes);

        Assert.DoesNotContain(
            new[] { typeof(SequenceGeometry), typeof(SequenceLayout), typeof(AttentionSchedule) }.SelectMany(type => type.GetFields()),
            field => field.Name.Contains("Window") || field.Name.Contains("Left") || field.Name.Contains("Right"));

        // Each bound is an immediate operand: the band's first key d - Left, its end d + Right + 1 (an offset of zero folds away).
        if (Constant<bool>(spec, "HasLeftBound") && Constant<int>(spec, "WindowLeft") is var left and not 0)
        {
            Assert.Matches($@"(sub\.s64\s+%rd\d+, %rd\d+, {left};|add\.s64\s+%rd\d+, %rd\d+, {-left};)", ptx);
        }

        if (Constant<bool>(spec, "HasRightBound") && Constant<int>(spec, "WindowRight") + 1 is var rightEnd and not 0)
        {
            Assert.Matches($@"(add\.s64\s+%rd\d+, %rd\d+, {rightEnd};|sub\.s64\s+%rd\d+, %rd\d+, {-rightEnd};)", ptx);
        }
    }

    /// <summary>The split-key combine kernel, instantiated for each spec: no local memory, no shared memory, no library calls.</summary>
    [Theory]
    [MemberData(nameof(GeneratedSpecs))]
    public void SplitKeyCombineCompilesForCuda(string specName)
    {
        var spec = SpecType(specName);
        var kernel = typeof(SplitKeyCombine).GetMethod("Kernel", BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(spec.GetNestedType("BakedConstants", BindingFlags.NonPublic)!, spec.GetNestedType("BakedWindow", BindingFlags.NonPublic)!,
                DeviceElement(spec), ElementFormat(spec));
        var ptx = CompilePtx(kernel);

        Assert.DoesNotContain(".local", ptx);
        Assert.DoesNotContain(".extern .func", ptx);
        Assert.DoesNotContain(".shared", ptx);
        Assert.DoesNotContain("bar.sync", ptx);
        Assert.Contains("ex2.approx", ptx);
        Assert.Equal(
            new[] { "partials", "sinkLogits", "output", "logSumExp", "sequences", "geometry", "schedule", "constants", "window", "format" },
            Parameters(ptx).Select(p => p.Name));
    }

    /// <summary>The element type of a spec's device views.</summary>
    internal static Type DeviceElement(Type spec) => Constant<AttentionElement>(spec, "Element") switch
    {
        AttentionElement.Float16 => typeof(ILGPU.Half),
        AttentionElement.BFloat16 => typeof(BFloat16),
        _ => typeof(float),
    };

    private static Type ElementFormat(Type spec) => Constant<AttentionElement>(spec, "Element") switch
    {
        AttentionElement.Float16 => typeof(Float16Format),
        AttentionElement.BFloat16 => typeof(BFloat16Format),
        _ => typeof(Float32Format),
    };

    [Fact]
    public void RuntimeWindowInstantiationTakesTheBoundsAsParameters()
    {
        // The same kernel body instantiated with RuntimeWindowBounds: the bounds, chunk size and sink tokens now travel as a
        // 40-byte parameter.
        var ptx = CompilePtx(typeof(DefaultTiles128), typeof(RuntimeWindowBounds));
        Assert.Equal(40, Parameters(ptx).Single(p => p.Name == "window").Bytes);
        Assert.DoesNotMatch(@"sub\.s64\s+%rd\d+, %rd\d+, 1234;", ptx);
    }

    [Fact]
    public void RepresentativeKernelPtxIsStable()
    {
        var normalised = Regex.Replace(CompilePtx(typeof(DefaultTiles128)), @"_\d+\b", "_N");
        Snapshot.Verify(normalised, ".ptx");
    }

    [Fact]
    public void ContextWithoutAlgorithmsIsRejectedWithTheFix()
    {
        using var context = Context.Create(builder => builder.CPU(KernelGenAccelerators.CudaLikeCpuDevice));
        var error = Assert.Throws<InvalidOperationException>(() => AlgorithmsCheck.EnsureEnabled(context));
        Assert.Contains("EnableAlgorithms()", error.Message);

        // The kernels refuse it too, before compiling anything on the CPU (where it would have worked).
        using var accelerator = KernelGenAccelerators.CreateCpu(context);
        var shape = new AttentionShape(1, 2, 2, 1, 1);
        var data = new float[shape.QueryElements(CausalWindow5.HeadDim)];
        Assert.Throws<InvalidOperationException>(() => CausalWindow5.Forward(accelerator, data, data, data, new float[data.Length], shape));
    }

    internal static Type SpecType(string name) => typeof(PtxTests).Assembly.GetTypes().Single(type => type.Name == name && type.GetCustomAttribute<AttentionKernelAttribute>() is not null);

    private static T Constant<T>(Type spec, string name) => (T)spec.GetField(name, BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    private static (string Name, int Bytes)[] Parameters(string ptx) =>
        Regex.Matches(ptx, @"\.param (?:\.align \d+ )?\.b8 _(\w+?)_\d+(?:\[(\d+)\])?")
            .Select(match => (match.Groups[1].Value, match.Groups[2].Success ? int.Parse(match.Groups[2].Value) : 1))
            .ToArray();

    internal static string CompilePtx(Type spec, Type? window = null) =>
        CompilePtx(spec.GetMethod("TiledForwardKernel", BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(spec.GetNestedType("BakedConstants", BindingFlags.NonPublic)!, window ?? spec.GetNestedType("BakedWindow", BindingFlags.NonPublic)!));

    private static string CompilePtx(MethodInfo kernel)
    {
        // A context of its own: one failed compile can break later compiles in the same context.
        using var context = Context.Create(builder => builder.EnableAlgorithms());
        using var backend = new PTXBackend(context, CudaArchitecture.SM_90, CudaInstructionSet.ISA_88, null!);
        return ((PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(kernel), default)).PTXAssembly;
    }
}
