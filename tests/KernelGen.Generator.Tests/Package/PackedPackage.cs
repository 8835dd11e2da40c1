using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using KernelGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace KernelGen.Generator.Tests.Package;

/// <summary>
/// The KernelGen package, packed once for the tests from the build they run on, into a local feed in a temporary folder
/// outside the repository, with a NuGet setup of its own there:
/// <list type="bullet">
/// <item>a version no earlier run used (a prerelease of the real one), and a global packages folder of its own: NuGet
/// keeps the first package it extracted for a version, so a repacked package of the same version would go unseen;</item>
/// <item>the machine's global packages folder as a fallback and its package sources left in place, so ILGPU and the rest
/// restore as they do for the repository.</item>
/// </list>
/// </summary>
public sealed class PackedPackage : IDisposable
{
    public const string Id = "KernelGen";

    private readonly Lazy<KernelGenAnalyzers> _analyzers;

    public PackedPackage()
    {
        _analyzers = new(LoadAnalyzers);
        Root = Directory.CreateTempSubdirectory("kernelgen-package-").FullName;
        var feed = Path.Combine(Root, "feed");
        var release = typeof(AttentionWindow).Assembly.GetName().Version!;
        Version = $"{release.Major}.{release.Minor}.{release.Build}-test{Guid.NewGuid():N}";

        var machinePackages = MachineGlobalPackagesFolder();
        NuGetEnvironment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(Root, "packages") };
        File.WriteAllText(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="kernelgen-under-test" value="{feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{machinePackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);

        // The temporary folder is shared: stop MSBuild's search for these files here, so nothing above changes the build.
        File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), "<Project />");

        var configuration = typeof(PackedPackage).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var (exitCode, output) = DotNetCli.Run(
            RepositoryRoot, NuGetEnvironment, "pack", Path.Combine("src", "Runtime", "KernelGen.Runtime.csproj"),
            "--no-build", "-c", configuration, "-o", feed, $"-p:Version={Version}", $"-p:NuspecOutputPath={Path.Combine(Root, "nuspec")}/");
        PackOutput = output;
        Assert.True(exitCode == 0, output);
        NupkgPath = Path.Combine(feed, $"{Id}.{Version}.nupkg");
        Assert.True(File.Exists(NupkgPath), output);
    }

    /// <summary>The temporary folder: the feed, the NuGet setup, and room for consumer projects.</summary>
    public string Root { get; }

    /// <summary>The packed version, unique to this run.</summary>
    public string Version { get; }

    /// <summary>The .nupkg file.</summary>
    public string NupkgPath { get; }

    /// <summary>What <c>dotnet pack</c> printed.</summary>
    public string PackOutput { get; }

    /// <summary>The environment for <c>dotnet</c> commands on consumers: this package setup's global packages folder.</summary>
    public IReadOnlyDictionary<string, string> NuGetEnvironment { get; }

    public static string RepositoryRoot { get; } = RepositoryRootOf();

    /// <summary>
    /// The generator, analyzer and code fix from the package's analyzers/dotnet/cs, loaded apart from the projects' own
    /// copies that this test assembly references; Roslyn itself comes from the host, as it does in a compiler or IDE.
    /// </summary>
    public KernelGenAnalyzers Analyzers => _analyzers.Value;

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private KernelGenAnalyzers LoadAnalyzers()
    {
        var directory = Path.Combine(Root, "analyzers");
        const string Folder = "analyzers/dotnet/cs/";
        Directory.CreateDirectory(directory);
        using (var package = ZipFile.OpenRead(NupkgPath))
        {
            foreach (var entry in package.Entries.Where(entry => entry.FullName.StartsWith(Folder, StringComparison.Ordinal)))
            {
                entry.ExtractToFile(Path.Combine(directory, entry.Name), overwrite: true);
            }
        }

        var context = new AnalyzerLoadContext(directory);
        var types = Directory.GetFiles(directory, "*.dll")
            .Select(context.LoadFromAssemblyPath)
            .SelectMany(assembly => assembly.GetTypes())
            .ToList();
        T CreateTheOne<T>(Type exportAttribute) => (T)Activator.CreateInstance(types.Single(type => type.IsDefined(exportAttribute, inherit: false)))!;
        return new KernelGenAnalyzers(
            CreateTheOne<IIncrementalGenerator>(typeof(GeneratorAttribute)),
            CreateTheOne<DiagnosticAnalyzer>(typeof(DiagnosticAnalyzerAttribute)),
            CreateTheOne<CodeFixProvider>(typeof(ExportCodeFixProviderAttribute)));
    }

    /// <summary>Where the repository's own restores put packages, asked of NuGet rather than assumed.</summary>
    private static string MachineGlobalPackagesFolder()
    {
        var (exitCode, output) = DotNetCli.Run(RepositoryRoot, new Dictionary<string, string>(), "nuget", "locals", "global-packages", "--list");
        Assert.True(exitCode == 0, output);
        const string Prefix = "global-packages: ";
        return output.Split('\n').Single(line => line.StartsWith(Prefix, StringComparison.Ordinal)).Substring(Prefix.Length).Trim();
    }

    private static string RepositoryRootOf([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));

    /// <summary>Loads KernelGen's analyzer assemblies from one folder; everything else resolves from the host.</summary>
    private sealed class AnalyzerLoadContext(string directory) : AssemblyLoadContext("KernelGen package analyzers")
    {
        protected override Assembly? Load(AssemblyName name)
        {
            var path = Path.Combine(directory, name.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
