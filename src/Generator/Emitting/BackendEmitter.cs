using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emitting;

/// <summary>
/// Emits, per spec, one nested class per backend that can express the window: the backend's own parameters as
/// constants, its visibility test written in its own arithmetic, and how to pass the parameters to it, all as the
/// backend's <see cref="BackendDescriptor"/> spells them. Backends that cannot express the window are listed with the
/// reason instead.
/// </summary>
internal static class BackendEmitter
{
    public static string Emit(KernelSpec spec)
    {
        var writer = new SourceWriter();
        using (TypeShell.Open(writer, spec, System.Array.Empty<string>()))
        {
            var first = true;
            foreach (var backend in BackendDescriptor.All)
            {
                if (!first)
                {
                    writer.WriteLine();
                }

                first = false;
                if (!backend.TryConvert(spec.Window, out var parameters, out var reason))
                {
                    writer.WriteLine($"// {backend.DisplayName} cannot express this window: {reason}.");
                    continue;
                }

                WriteBackend(writer, spec, backend, backend.Describe(parameters!));
            }
        }

        return writer.ToString();
    }

    private static void WriteBackend(SourceWriter writer, KernelSpec spec, BackendDescriptor backend, GeneratedBackendClass generated)
    {
        var name = backend.DisplayName;
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// {XmlDoc.Escape(name)}'s parameters for this window ({XmlDoc.Escape(spec.Window.ToString())}), in its own convention.");
        writer.WriteLine("/// </summary>");
        writer.WriteLine("/// <remarks>");
        writer.WriteLine("/// <code>");
        foreach (var line in generated.Usage)
        {
            writer.WriteLine("/// " + XmlDoc.Escape(line));
        }

        writer.WriteLine("/// </code>");
        writer.WriteLine("/// </remarks>");
        using (writer.Block($"public static class {backend.Backend}"))
        {
            foreach (var constant in generated.Constants)
            {
                writer.WriteLine($"/// <summary>{XmlDoc.Escape(constant.Documentation)}</summary>");
                writer.WriteLine($"public const {constant.Type} {constant.Name} = {constant.Value};");
                writer.WriteLine();
            }

            writer.WriteLine($"/// <summary>The parameters as a value, for code that passes them on.</summary>");
            writer.WriteLine($"public static global::KernelGen.{backend.ParametersType.Name} Parameters => new({generated.RecordArguments});");
            writer.WriteLine();
            writer.WriteLine($"/// <summary>{XmlDoc.Escape(name)}'s own visibility test, with its own arithmetic and names.</summary>");
            using (writer.Block($"public static bool IsVisible(int {generated.QueryName}, int {generated.KeyName}, int {generated.SeqQName}, int {generated.SeqKName})"))
            {
                foreach (var line in generated.Setup)
                {
                    writer.WriteLine(line);
                }

                writer.WriteLine($"return {string.Join("\n    && ", generated.Conditions)};");
            }
        }
    }
}
