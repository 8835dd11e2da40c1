using System;
using System.Linq;
using System.Reflection;
using Xunit;

namespace KernelGen.Runtime.Tests.Conventions;

/// <summary>
/// The backend classes the generator emits for each test spec: their native tests, written in each backend's own
/// arithmetic with the spec's constants, show exactly the spec's keys, and their parameters read back as the spec's window.
/// </summary>
public sealed class GeneratedBackendClassTests
{
    public static TheoryData<string> Specs()
    {
        var data = new TheoryData<string>();
        foreach (var type in SpecTypes())
        {
            data.Add(type.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void NativeTestsMatchTheWindow(string specName)
    {
        var spec = SpecTypes().Single(type => type.Name == specName);
        var window = (AttentionWindow)spec.GetProperty("Window")!.GetValue(null)!;
        var emitted = spec.GetNestedTypes().Where(type => Enum.TryParse<Backend>(type.Name, out _)).ToList();
        foreach (var backend in Enum.GetValues<Backend>())
        {
            var nested = emitted.SingleOrDefault(type => type.Name == backend.ToString());
            var expressible = BackendCase.All.Single(c => c.Backend == backend).TryTo(window);
            Assert.Equal(expressible.Ok, nested is not null);
            if (nested is null)
            {
                continue;
            }

            var parameters = nested.GetProperty("Parameters")!.GetValue(null)!;
            Assert.Equal(expressible.Parameters, parameters);
            var isVisible = nested.GetMethod("IsVisible")!.CreateDelegate<Func<int, int, int, int, bool>>();
            for (var seqQ = 1; seqQ <= 12; seqQ++)
            for (var seqK = 1; seqK <= 12; seqK++)
            for (var query = 0; query < seqQ; query++)
            for (var key = 0; key < seqK; key++)
            {
                Assert.True(window.IsVisible(query, key, seqQ, seqK) == isVisible(query, key, seqQ, seqK), $"{spec.Name}.{backend}: {seqQ}x{seqK}, query {query}, key {key}");
            }
        }
    }

    private static Type[] SpecTypes() =>
        typeof(GeneratedBackendClassTests).Assembly.GetTypes()
            .Where(type => type.GetCustomAttribute<AttentionKernelAttribute>() is not null)
            .OrderBy(type => type.Name, StringComparer.Ordinal)
            .ToArray();
}
