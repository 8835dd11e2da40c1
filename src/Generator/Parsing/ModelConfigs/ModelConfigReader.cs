using System;
using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing.ModelConfigs.Families;

namespace KernelGen.Generator.Parsing.ModelConfigs;

/// <summary>
/// Finds the config a <c>[FromModelConfig]</c> names among the <c>AdditionalFiles</c>, parses it and derives the layer
/// by its family's rules. Pure: files in, a layer or problems out.
/// </summary>
internal static class ModelConfigReader
{
    public static ModelLayer? Read(
        string className, string path, int layer, IReadOnlyList<ModelConfigFile> files, List<ConfigProblem> problems)
    {
        var matches = files.Where(file => EndsWithSegments(file.Path, path)).ToList();
        if (matches.Count != 1)
        {
            problems.Add(new(DiagnosticDescriptors.ModelConfigNotFound, new object[] { className, path, NotFoundReason(path, files, matches) }));
            return null;
        }

        if (matches[0].Text is not string text)
        {
            return Unreadable(className, path, "the compiler could not read the file", problems);
        }

        if (!JsonReader.TryParse(text, out var json, out var error))
        {
            return Unreadable(className, path, "it is not JSON: " + error, problems);
        }

        if (json is not JsonObject root)
        {
            return Unreadable(className, path, $"its root is {json!.Kind}, where a config is an object", problems);
        }

        if (root["model_type"] is not JsonString { Value: var modelType })
        {
            problems.Add(new(DiagnosticDescriptors.ModelConfigFieldMissing, new object[] { className, path, "model_type", "names the model family whose rules give its fields their meaning" }));
            return null;
        }

        if (ModelFamily.Find(modelType) is not ModelFamily family)
        {
            problems.Add(new(DiagnosticDescriptors.ModelConfigUnknownMeaning, new object[]
            {
                className, path, $"model_type \"{modelType}\"",
                "what sliding_window, layer_types, head_dim and the scale mean depends on the family, and KernelGen reads "
                + string.Join(", ", ModelFamily.All.Select(known => known.CompositeModelType is string composite ? $"{known.ModelType} ({composite})" : known.ModelType)),
            }));
            return null;
        }

        var fields = TextFields(className, path, root, modelType, family, problems);
        return fields is null ? null : family.Derive(fields, problems, path, layer);
    }

    /// <summary>The text model's fields: the root, or the <c>text_config</c> of a multimodal config.</summary>
    private static ConfigFields? TextFields(string className, string path, JsonObject root, string modelType, ModelFamily family, List<ConfigProblem> problems)
    {
        if (modelType != family.CompositeModelType)
        {
            return new ConfigFields(root, string.Empty, className, path, problems);
        }

        if (root["text_config"] is not JsonObject textConfig)
        {
            problems.Add(new(DiagnosticDescriptors.ModelConfigFieldMissing, new object[] { className, path, "text_config", $"holds the text model's fields in a {modelType} config" }));
            return null;
        }

        // HF builds text_config as the family's text config class whatever it says; a different model_type there would
        // mean the file was written for another family.
        if (textConfig["model_type"] is JsonString { Value: var textType } && textType != family.ModelType)
        {
            Unreadable(className, path, $"text_config.model_type is \"{textType}\", where a {modelType} config holds a {family.ModelType}", problems);
            return null;
        }

        return new ConfigFields(textConfig, "text_config.", className, path, problems);
    }

    /// <summary>Whether <paramref name="path"/> ends with <paramref name="suffix"/> on whole segments, either slash.</summary>
    private static bool EndsWithSegments(string path, string suffix)
    {
        var full = path.Replace('\\', '/');
        var wanted = suffix.Replace('\\', '/').TrimStart('.', '/');
        return wanted.Length > 0
            && full.EndsWith(wanted, StringComparison.Ordinal)
            && (full.Length == wanted.Length || full[full.Length - wanted.Length - 1] == '/');
    }

    private static string NotFoundReason(string path, IReadOnlyList<ModelConfigFile> files, IReadOnlyList<ModelConfigFile> matches)
    {
        if (matches.Count > 1)
        {
            return $"{matches.Count} AdditionalFiles items end with it ({string.Join(", ", matches.Select(file => file.Path))}); give more of the path";
        }

        var json = files.Select(file => System.IO.Path.GetFileName(file.Path)).ToList();
        var given = json.Count == 0 ? "the project gives no .json AdditionalFiles item" : "the project's .json AdditionalFiles items are " + string.Join(", ", json);
        return $"no AdditionalFiles item ends with it ({given}); add <AdditionalFiles Include=\"{path}\" /> to the project";
    }

    private static ModelLayer? Unreadable(string className, string path, string reason, List<ConfigProblem> problems)
    {
        problems.Add(new(DiagnosticDescriptors.ModelConfigUnreadable, new object[] { className, path, reason }));
        return null;
    }
}
