using Microsoft.CodeAnalysis;

namespace KernelGen.Generator.Model;

/// <summary>
/// What parsing one class yields: the spec (null when the class cannot hold a kernel) and the diagnostics,
/// which keep the user's own source locations so <c>#pragma warning disable</c> applies to them.
/// </summary>
internal sealed record ParseResult(KernelSpec? Spec, ImmutableEquatableArray<Diagnostic> Diagnostics);
