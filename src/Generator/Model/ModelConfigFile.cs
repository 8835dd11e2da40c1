namespace KernelGen.Generator.Model;

/// <summary>
/// A JSON <c>AdditionalFiles</c> item as plain values, so the pipeline compares configs by content and a changed
/// <c>config.json</c> re-parses exactly the specs that could read it.
/// </summary>
/// <param name="Path">The item's full path.</param>
/// <param name="Text">Its text, or <see langword="null"/> when the compiler could not read it.</param>
internal sealed record ModelConfigFile(string Path, string? Text);
