using System;
using System.Text;

namespace KernelGen.Generator.Emitting;

/// <summary>
/// A small indenting writer (after dotnet/runtime's SourceWriter): multi-line text is re-indented line by
/// line, so emitters can write raw string blocks at any depth.
/// </summary>
internal sealed class SourceWriter
{
    private const int SpacesPerLevel = 4;
    private readonly StringBuilder _builder = new();
    private int _indentation;

    public void WriteLine() => _builder.AppendLine();

    /// <summary>Writes each line of <paramref name="text"/> at the current indentation.</summary>
    public void WriteLine(string text)
    {
        foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
        {
            if (line.Length > 0)
            {
                _builder.Append(' ', _indentation * SpacesPerLevel);
            }

            _builder.Append(line).AppendLine();
        }
    }

    /// <summary>Writes <paramref name="header"/>, an opening brace, and indents until the result is disposed.</summary>
    public IDisposable Block(string header)
    {
        WriteLine(header);
        WriteLine("{");
        _indentation++;
        return new BlockEnd(this);
    }

    public override string ToString() => _builder.ToString();

    private sealed class BlockEnd : IDisposable
    {
        private readonly SourceWriter _writer;

        public BlockEnd(SourceWriter writer) => _writer = writer;

        public void Dispose()
        {
            _writer._indentation--;
            _writer.WriteLine("}");
        }
    }
}
