using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emitting;

/// <summary>
/// Emits, per spec, one nested class per backend that can express the window: the backend's own parameters as
/// constants, its visibility test written in its own arithmetic, and how to pass the parameters to it.
/// Backends that cannot express the window are listed with the reason instead.
/// </summary>
internal static class BackendEmitter
{
    public static string Emit(KernelSpec spec)
    {
        var writer = new SourceWriter();
        using (TypeShell.Open(writer, spec, System.Array.Empty<string>()))
        {
            var first = true;
            foreach (var backend in BackendDescriptions.All)
            {
                if (!first)
                {
                    writer.WriteLine();
                }

                first = false;
                if (backend.Describe(spec.Window, out var reason) is not { } description)
                {
                    writer.WriteLine($"// {WindowConventions.DisplayName(backend.Backend)} cannot express this window: {reason}.");
                    continue;
                }

                WriteBackend(writer, spec, backend.Backend, description);
            }
        }

        return writer.ToString();
    }

    private static void WriteBackend(SourceWriter writer, KernelSpec spec, Backend backend, BackendDescription description)
    {
        var name = WindowConventions.DisplayName(backend);
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// {XmlDoc.Escape(name)}'s parameters for this window ({XmlDoc.Escape(spec.Window.ToString())}), in its own convention.");
        writer.WriteLine("/// </summary>");
        writer.WriteLine("/// <remarks>");
        writer.WriteLine("/// <code>");
        foreach (var line in description.Usage)
        {
            writer.WriteLine("/// " + XmlDoc.Escape(line));
        }

        writer.WriteLine("/// </code>");
        writer.WriteLine("/// </remarks>");
        using (writer.Block($"public static class {backend}"))
        {
            foreach (var constant in description.Constants)
            {
                writer.WriteLine($"/// <summary>{XmlDoc.Escape(constant.Documentation)}</summary>");
                writer.WriteLine($"public const {constant.Type} {constant.Name} = {constant.Value};");
                writer.WriteLine();
            }

            writer.WriteLine($"/// <summary>The parameters as a value, for code that passes them on.</summary>");
            writer.WriteLine($"public static global::KernelGen.{description.RecordType} Parameters => new({description.RecordArguments});");
            writer.WriteLine();
            writer.WriteLine($"/// <summary>{XmlDoc.Escape(name)}'s own visibility test, with its own arithmetic and names.</summary>");
            using (writer.Block($"public static bool IsVisible(int {description.QueryName}, int {description.KeyName}, int {description.SeqQName}, int {description.SeqKName})"))
            {
                foreach (var line in description.Setup)
                {
                    writer.WriteLine(line);
                }

                writer.WriteLine($"return {string.Join("\n    && ", description.Conditions)};");
            }
        }
    }
}
