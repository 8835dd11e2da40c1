using System;
using System.Linq;
using System.Reflection;
using Xunit;

namespace KernelGen.Runtime.Tests.Conventions;

/// <summary>
/// The backend classes the generator emits for each test spec: their native tests, written in each backend's own
/// arithmetic with the spec's constants, agree with the descriptor's native test on every shape and show exactly the
/// spec's keys wherever the backend applies its window, and their parameters read back as the spec's window.
/// </summary>
public sealed class GeneratedBackendClassTests
{
    public static TheoryData<string> Specs() => new(SpecTypes().Select(type => type.Name));

    [Theory]
    [MemberData(nameof(Specs))]
    public void NativeTestsMatchTheWindow(string specName)
    {
        var spec = SpecTypes().Single(type => type.Name == specName);
        var window = (AttentionWindow)spec.GetProperty("Window")!.GetValue(null)!;
        foreach (var backend in BackendDescriptor.All)
        {
            var nested = spec.GetNestedType(backend.Backend.ToString());
            Assert.Equal(backend.TryConvert(window, out var expected, out _), nested is not null);
            if (nested is null)
            {
                continue;
            }

            var parameters = nested.GetProperty("Parameters")!.GetValue(null)!;
            Assert.Equal(expected, parameters);
            var isVisible = nested.GetMethod("IsVisible")!.CreateDelegate<Func<int, int, int, int, bool>>();
            for (var seqQ = 1; seqQ <= 12; seqQ++)
            for (var seqK = 1; seqK <= 12; seqK++)
            {
                var applies = backend.AppliesWindow(parameters, seqQ, seqK, out _);
                for (var query = 0; query < seqQ; query++)
                for (var key = 0; key < seqK; key++)
                {
                    var generated = Outcome(() => isVisible(query, key, seqQ, seqK));
                    Assert.True(
                        generated == Outcome(() => backend.IsVisible(parameters, query, key, seqQ, seqK)),
                        $"{spec.Name}.{backend.Backend}: {seqQ}x{seqK}, query {query}, key {key}: the generated test and the descriptor's disagree");
                    Assert.True(
                        !applies || generated == window.IsVisible(query, key, seqQ, seqK),
                        $"{spec.Name}.{backend.Backend}: {seqQ}x{seqK}, query {query}, key {key}");
                }
            }
        }
    }

    // A backend that cannot build its mask at some lengths fails there, in both tests alike.
    private static bool? Outcome(Func<bool> isVisible)
    {
        try
        {
            return isVisible();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static Type[] SpecTypes() =>
        typeof(GeneratedBackendClassTests).Assembly.GetTypes()
            .Where(type => type.GetCustomAttribute<AttentionKernelAttribute>() is not null)
            .OrderBy(type => type.Name, StringComparer.Ordinal)
            .ToArray();
}
