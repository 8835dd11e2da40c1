using Microsoft.CodeAnalysis;

namespace KernelGen.Generator.Parsing.ModelConfigs;

/// <summary>A problem found in a model config; reported at the spec's <c>[FromModelConfig]</c>.</summary>
internal readonly record struct ConfigProblem(DiagnosticDescriptor Descriptor, object[] MessageArguments);
