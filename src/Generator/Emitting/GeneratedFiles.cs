using System.Collections.Generic;
using KernelGen.Generator.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace KernelGen.Generator.Emitting;

/// <summary>
/// The files the generator writes for one spec, in one list: the output step writes them, and the parser compiles
/// them beside the user's class to find clashing members, so what is checked is what is written.
/// </summary>
internal static class GeneratedFiles
{
    /// <summary>
    /// The oldest C# the generated files compile with: file-scoped namespaces came in C# 10. GeneratedCodeTests compile
    /// the generated files at this version and one below, so the number cannot drift from the code.
    /// </summary>
    public const LanguageVersion MinimumLanguageVersion = LanguageVersion.CSharp10;

    public static IEnumerable<(string HintName, string Source)> Of(KernelSpec spec)
    {
        yield return ($"{spec.HintNamePrefix}.Window.g.cs", WindowEmitter.Emit(spec));
        yield return ($"{spec.HintNamePrefix}.Kernel.g.cs", KernelEmitter.Emit(spec));
        yield return ($"{spec.HintNamePrefix}.Cpu.g.cs", CpuKernelEmitter.Emit(spec));
        yield return ($"{spec.HintNamePrefix}.Backends.g.cs", BackendEmitter.Emit(spec));
        if (spec.Cache is { } cache)
        {
            yield return ($"{spec.HintNamePrefix}.Cache.g.cs", CacheEmitter.Emit(spec, cache));
        }
    }
}
