using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using KernelGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace KernelGen.Generator.Tests;

/// <summary>The generator's own steps cache across edits and hold only values.</summary>
public sealed class IncrementalTests
{
    private const string Kernel = """
        using KernelGen;
        namespace Models;
        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 127, Right = 0, Inclusive = true)]
        public static partial class LocalAttention;

        [SlidingWindow(Left = 1, Right = 1, Inclusive = true)]
        public static partial class Orphan;
        """;

    private static readonly string[] OwnSteps = typeof(AttentionKernelGenerator).Assembly
        .GetType("KernelGen.Generator.TrackingNames")!
        .GetFields(BindingFlags.Public | BindingFlags.Static | BindingFlags.NonPublic)
        .Select(field => (string)field.GetRawConstantValue()!)
        .ToArray();

    [Fact]
    public void UnrelatedEditLeavesEveryOwnStepCachedOrUnchanged()
    {
        var (first, second) = RunTwice(tree => tree.WithChangedText(tree.GetText().Replace(0, 0, "// an unrelated edit\n")), editOtherFile: true);
        Assert.NotEmpty(OwnSteps);
        foreach (var step in OwnSteps)
        {
            Assert.True(second.TrackedSteps.ContainsKey(step), $"step {step} did not run");
            var reasons = second.TrackedSteps[step].SelectMany(run => run.Outputs).Select(output => output.Reason).ToList();
            Assert.All(reasons, reason => Assert.True(
                reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {reason}"));
        }

        AssertHoldsOnlyValues(first);
    }

    [Fact]
    public void WindowChangeModifiesTheSpec()
    {
        var (_, second) = RunTwice(tree => tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(tree.GetText().ToString().Replace("Left = 127", "Left = 255"))), editOtherFile: false);
        var reasons = second.TrackedSteps["Spec"].SelectMany(run => run.Outputs).Select(output => output.Reason);
        Assert.Contains(IncrementalStepRunReason.Modified, reasons);
    }

    /// <summary>config.json is an input: editing it re-parses and changes the spec derived from it.</summary>
    [Fact]
    public void ConfigEditModifiesTheSpec()
    {
        static AdditionalText Config(int window) => new InMemoryAdditionalText("/p/config.json", $$"""
            {"model_type": "mistral", "hidden_size": 4096, "num_attention_heads": 32, "num_hidden_layers": 2, "sliding_window": {{window}}}
            """);
        var original = Config(4096);
        var compilation = GeneratorRunner.Compile(ModelConfigTests.Spec("config.json", 0));
        var driver = GeneratorRunner.CreateDriver(additionalTexts: new[] { original }).RunGenerators(compilation);
        Assert.Empty(driver.GetRunResult().Diagnostics);

        var second = driver.ReplaceAdditionalText(original, Config(1024)).RunGenerators(compilation).GetRunResult().Results.Single();
        var reasons = second.TrackedSteps["Spec"].SelectMany(run => run.Outputs).Select(output => output.Reason);
        Assert.Contains(IncrementalStepRunReason.Modified, reasons);
        Assert.Contains("WindowLeft = 1023", second.GeneratedSources.Single(source => source.HintName == "Layer.Window.g.cs").SourceText.ToString(), System.StringComparison.Ordinal);
    }

    private static (GeneratorRunResult First, GeneratorRunResult Second) RunTwice(System.Func<SyntaxTree, SyntaxTree> edit, bool editOtherFile)
    {
        var compilation = GeneratorRunner.Compile(Kernel, "namespace Other; public static class Unrelated { public const int Value = 1; }");
        var driver = GeneratorRunner.CreateDriver().RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();

        var target = compilation.SyntaxTrees.ElementAt(editOtherFile ? 1 : 0);
        var edited = compilation.ReplaceSyntaxTree(target, edit(target));
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();
        return (first, second);
    }

    /// <summary>No symbol, syntax node or compilation may survive in the output of the generator's own steps.</summary>
    private static void AssertHoldsOnlyValues(GeneratorRunResult result)
    {
        foreach (var step in OwnSteps)
        {
            foreach (var output in result.TrackedSteps[step].SelectMany(run => run.Outputs))
            {
                Walk(output.Value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
    }

    private static void Walk(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return;
        }

        Assert.False(value is ISymbol, $"{path} holds a symbol");
        Assert.False(value is SyntaxNode, $"{path} holds a syntax node");
        Assert.False(value is Compilation, $"{path} holds a compilation");
        Assert.False(value is SemanticModel, $"{path} holds a semantic model");

        // Diagnostics keep the user's source location on purpose (it makes #pragma work); do not walk into trees.
        if (value is Diagnostic)
        {
            return;
        }

        if (value is IEnumerable items)
        {
            foreach (var item in items)
            {
                Walk(item, path + "[]", seen);
            }
        }

        for (var type = value.GetType(); type is not null && type != typeof(object); type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                Walk(field.GetValue(value), $"{path}.{field.Name}", seen);
            }
        }
    }
}
