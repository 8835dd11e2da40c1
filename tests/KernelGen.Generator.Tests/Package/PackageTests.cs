using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Threading.Tasks;
using System.Xml.Linq;
using Xunit;

namespace KernelGen.Generator.Tests.Package;

/// <summary>
/// The one KernelGen package as a user gets it: its files and metadata; the README's program, built from the package in
/// a fresh <c>dotnet new console</c> project after <c>dotnet add package KernelGen</c>, where a wrong pin fails the
/// build first; and the code fix, run from the package's own analyzer assemblies.
/// </summary>
public sealed class PackageTests(PackedPackage package) : IClassFixture<PackedPackage>
{
    [Fact]
    public void HoldsTheLibraryTheAnalyzersAndTheMetadata()
    {
        Assert.DoesNotContain("warning", package.PackOutput, StringComparison.OrdinalIgnoreCase);
        using var zip = ZipFile.OpenRead(package.NupkgPath);
        var files = zip.Entries.Select(entry => entry.FullName)
            .Where(name => !name.StartsWith("_rels/", StringComparison.Ordinal) && !name.StartsWith("package/", StringComparison.Ordinal) && name != "[Content_Types].xml")
            .Order(StringComparer.Ordinal);
        Assert.Equal(
            new[]
            {
                "KernelGen.nuspec", "README.md",
                "analyzers/dotnet/cs/KernelGen.CodeFixes.dll", "analyzers/dotnet/cs/KernelGen.Generator.dll",
                "lib/net10.0/KernelGen.Runtime.dll", "lib/net10.0/KernelGen.Runtime.xml",
            },
            files);

        XElement metadata;
        using (var nuspec = zip.GetEntry("KernelGen.nuspec")!.Open())
        {
            metadata = XDocument.Load(nuspec).Root!.Elements().Single(element => element.Name.LocalName == "metadata");
        }

        XElement Field(string name) => metadata.Elements().Single(element => element.Name.LocalName == name);
        Assert.Equal(PackedPackage.Id, Field("id").Value);
        Assert.Equal(package.Version, Field("version").Value);
        Assert.Equal(("expression", "MIT"), ((string?)Field("license").Attribute("type"), Field("license").Value));
        Assert.Equal("README.md", Field("readme").Value);
        Assert.NotEmpty(Field("description").Value);
        Assert.Contains("source-generator", Field("tags").Value.Split(' '));

        var repository = (string)Field("repository").Attribute("url")!;
        Assert.StartsWith("https://", repository, StringComparison.Ordinal);
        Assert.Equal(repository, Field("projectUrl").Value);
        Assert.All(package.Analyzers.Analyzer.SupportedDiagnostics, descriptor =>
            Assert.StartsWith(repository + "/blob/main/docs/diagnostics.md#", descriptor.HelpLinkUri, StringComparison.Ordinal));

        // The same ILGPU (and System.Numerics.Tensors, the CPU kernel's fp16 conversions) the repository builds against
        // (Directory.Packages.props), as the package's only dependencies.
        var versions = XDocument.Load(Path.Combine(PackedPackage.RepositoryRoot, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(item => (string)item.Attribute("Include")!, item => (string)item.Attribute("Version")!);
        var group = Assert.Single(Field("dependencies").Elements());
        Assert.Equal("net10.0", (string?)group.Attribute("targetFramework"));
        Assert.Equal(
            new[] { ("ILGPU", versions["ILGPU"]), ("ILGPU.Algorithms", versions["ILGPU.Algorithms"]), ("System.Numerics.Tensors", versions["System.Numerics.Tensors"]) },
            group.Elements().Select(dependency => ((string)dependency.Attribute("id")!, (string)dependency.Attribute("version")!)));
    }

    [Fact]
    public void ReadmeProgramBuildsAndRunsFromThePackageOnceAWrongPinIsFixed()
    {
        var section = ReadmeUsingItSection();
        Assert.Contains("dotnet add package KernelGen\n", section, StringComparison.Ordinal);

        // Named unlike the packages it references: a project named KernelGen fails to restore the KernelGen package (NU1108).
        var directory = Path.Combine(package.Root, "consumer");
        Succeed(package.Root, "new", "console", "--name", "PackageConsumer", "--output", directory);
        Succeed(directory, "add", "package", PackedPackage.Id, "--version", package.Version);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), FirstCSharpBlock(section));

        var pinned = Path.Combine(directory, "PinnedAttention.cs");
        File.WriteAllText(pinned, PinnedSpec(cuDnnLeftBound: 16));
        var (exitCode, output) = DotNetCli.Run(directory, package.NuGetEnvironment, "build");
        Assert.True(exitCode != 0, output);
        Assert.Contains("error KG0016", output, StringComparison.Ordinal);
        Assert.Contains("Pin [CuDnnWindow(DiagonalBandLeftBound = 17, DiagonalBandRightBound = 0, DiagonalAlignment = WindowAlignment.BottomRight)] instead.", output, StringComparison.Ordinal);

        File.WriteAllText(pinned, PinnedSpec(cuDnnLeftBound: 17));
        Succeed(directory, "build");
        // The program exits with 1 unless the kernel's output matches the fp64 reference.
        Assert.Contains("vs the fp64 reference: max abs ", Succeed(directory, "run", "--no-build"), StringComparison.Ordinal);
    }

    [Fact]
    public Task CodeFixFromThePackageFixesTheDiagnosticOfTheAnalyzerBesideIt() =>
        CodeFixTests.RawBoundIsFlaggedAndFixedBy(package.Analyzers);

    private string Succeed(string directory, params string[] arguments)
    {
        var (exitCode, output) = DotNetCli.Run(directory, package.NuGetEnvironment, arguments);
        Assert.True(exitCode == 0, output);
        return output;
    }

    /// <summary>TransformerEngine's bug as a pin: cuDNN's left bound is exclusive, so this window's is 17, not 16.</summary>
    private static string PinnedSpec(int cuDnnLeftBound) => $$"""
        using KernelGen;

        [AttentionKernel(HeadDim = 64)]
        [SlidingWindow(Left = 16, Right = 0, Inclusive = true)]
        [CuDnnWindow(DiagonalBandLeftBound = {{cuDnnLeftBound}}, DiagonalBandRightBound = 0, DiagonalAlignment = WindowAlignment.BottomRight)]
        public static partial class PinnedAttention;
        """;

    private static string ReadmeUsingItSection()
    {
        var readme = File.ReadAllText(Path.Combine(PackedPackage.RepositoryRoot, "README.md")).Replace("\r\n", "\n");
        var start = readme.IndexOf("\n## Using it\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '## Using it' section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return readme.Substring(start, (end < 0 ? readme.Length : end) - start);
    }

    /// <summary>The program a user pastes into Program.cs: the section's first C# block, exactly as written.</summary>
    private static string FirstCSharpBlock(string section)
    {
        const string Fence = "```csharp\n";
        var start = section.IndexOf(Fence, StringComparison.Ordinal);
        Assert.True(start >= 0, "the README's 'Using it' section has no C# block");
        start += Fence.Length;
        return section.Substring(start, section.IndexOf("```\n", start, StringComparison.Ordinal) - start);
    }
}
