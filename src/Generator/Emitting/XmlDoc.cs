namespace KernelGen.Generator.Emitting;

/// <summary>Escapes text for XML doc comments.</summary>
internal static class XmlDoc
{
    public static string Escape(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
