using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace KernelGen.Runtime.Tests.Kernels;

/// <summary>
/// Keys outside the window never influence the output: a NaN or infinity in <c>k</c> or <c>v</c> at a key that
/// some rows of a visited edge tile do not see poisons exactly the rows that see it (as in the fp64 reference,
/// which only ever reads visible keys), and no other. A stale slot of a KV cache is such a key.
/// </summary>
public sealed class HiddenKeyIsolationTests
{
    public static IEnumerable<object[]> Cases() =>
        from spec in new[] { nameof(SymmetricTopLeft), nameof(LookAhead), nameof(CausalWindow5) }
        from tensor in new[] { "k", "v" }
        from poison in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity }
        select new object[] { spec, tensor, poison };

    [Theory]
    [MemberData(nameof(Cases))]
    public void CpuKernelIsolatesHiddenKeys(string specName, string tensor, float poison) =>
        AssertIsolated(SpecUnderTest.All.Single(spec => spec.Name == specName), spec => spec.OnCpu(), tensor, poison);

    /// <summary>
    /// Poisons key 70 (inside the second of the CPU kernel's 64-key tiles, and off the ILGPU test tiles' edges) in
    /// every dimension, runs <paramref name="kernel"/>, and compares row by row with the reference.
    /// </summary>
    internal static void AssertIsolated(SpecUnderTest spec, Func<SpecUnderTest, SpecUnderTest.Kernel> kernel, string tensor, float poison)
    {
        const int PoisonedKey = 70;
        var shape = new AttentionShape(1, 100, 128, 2, 1);
        var inputs = AttentionInputsForTests.Random(shape, spec.HeadDim, spec.HasSinks, seed: 1);
        var target = tensor == "k" ? inputs.K : inputs.V;
        Array.Fill(target, poison, PoisonedKey * spec.HeadDim, spec.HeadDim);

        var (_, _, actual, expected) = spec.Compare(kernel(spec), shape, inputs);
        var poisonedRows = 0;
        for (var row = 0; row < shape.SeqQ * shape.Heads; row++)
        {
            var range = new Range(row * spec.HeadDim, (row + 1) * spec.HeadDim);
            var expectedRow = expected.Output[range];
            var actualRow = actual[range];
            if (expectedRow.Any(value => !double.IsFinite(value)))
            {
                poisonedRows++;
                Assert.True(actualRow.Any(value => !float.IsFinite(value)), $"row {row} sees the poisoned key but came out finite");
                continue;
            }

            var error = ErrorReport.Compare(actualRow, expectedRow);
            Assert.True(error.MaxAbsolute <= 1e-5, $"row {row} (query {row / shape.Heads}) does not see key {PoisonedKey} but differs: {error}");
        }

        // The window shows the key to a few queries, not to none and not to all.
        Assert.InRange(poisonedRows, 1, (shape.SeqQ * shape.Heads) / 4);
    }
}
