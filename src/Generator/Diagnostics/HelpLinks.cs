using System.Linq;
using System.Reflection;

namespace KernelGen.Generator.Diagnostics;

/// <summary>
/// Where each diagnostic's help lives: its section of docs/diagnostics.md in the repository. The repository URL is the
/// build's <c>RepositoryUrl</c> (Directory.Build.props), stamped into this assembly, so the package's links and its
/// repository field cannot disagree.
/// </summary>
internal static class HelpLinks
{
    private static readonly string DiagnosticsDocument = typeof(HelpLinks).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "RepositoryUrl").Value + "/blob/main/docs/diagnostics.md";

    /// <summary>The link to <paramref name="id"/>'s section: its heading is the ID, so its anchor is the ID in lower case.</summary>
    public static string For(string id) => $"{DiagnosticsDocument}#{id.ToLowerInvariant()}";
}
