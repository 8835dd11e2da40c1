using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace KernelGen.Generator.Parsing.ModelConfigs;

/// <summary>
/// A strict JSON reader (RFC 8259) for model configs: one value, no comments, no trailing commas, no NaN or Infinity.
/// It never throws on bad input: it says where the text stops being JSON, by line and column, so the diagnostic can.
/// </summary>
internal sealed class JsonReader
{
    /// <summary>Objects and arrays nested deeper than this are refused rather than risk the stack; configs nest 3 deep.</summary>
    private const int MaxDepth = 64;

    private readonly string _text;
    private int _position;

    private JsonReader(string text) => _text = text;

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what and where.</summary>
    public static bool TryParse(string text, out JsonValue? value, out string? error)
    {
        var reader = new JsonReader(text);
        value = reader.ReadValue(0, out error);
        if (value is not null)
        {
            reader.SkipWhitespace();
            if (reader._position < text.Length)
            {
                error = reader.Problem("text after the end of the JSON value");
                value = null;
            }
        }

        return value is not null;
    }

    private JsonValue? ReadValue(int depth, out string? error)
    {
        error = null;
        SkipWhitespace();
        if (_position >= _text.Length)
        {
            error = Problem("the text ends where a value should start");
            return null;
        }

        switch (_text[_position])
        {
            case '{':
                return ReadObject(depth, out error);
            case '[':
                return ReadArray(depth, out error);
            case '"':
                return ReadString(out error) is string text ? new JsonString(text) : null;
            case 't':
                return ReadLiteral("true", new JsonBool(true), out error);
            case 'f':
                return ReadLiteral("false", new JsonBool(false), out error);
            case 'n':
                return ReadLiteral("null", JsonNull.Instance, out error);
            default:
                return ReadNumber(out error);
        }
    }

    private JsonValue? ReadObject(int depth, out string? error)
    {
        error = null;
        if (depth >= MaxDepth)
        {
            error = Problem($"objects and arrays nested more than {MaxDepth} deep");
            return null;
        }

        _position++;
        var members = new Dictionary<string, JsonValue>();
        SkipWhitespace();
        if (TryConsume('}'))
        {
            return new JsonObject(members);
        }

        while (true)
        {
            SkipWhitespace();
            if (_position >= _text.Length || _text[_position] != '"')
            {
                error = Problem("expected a member name in double quotes");
                return null;
            }

            if (ReadString(out error) is not string name)
            {
                return null;
            }

            SkipWhitespace();
            if (!TryConsume(':'))
            {
                error = Problem($"expected ':' after \"{name}\"");
                return null;
            }

            if (ReadValue(depth + 1, out error) is not JsonValue value)
            {
                return null;
            }

            members[name] = value;
            SkipWhitespace();
            if (TryConsume('}'))
            {
                return new JsonObject(members);
            }

            if (!TryConsume(','))
            {
                error = Problem("expected ',' or '}' in an object");
                return null;
            }
        }
    }

    private JsonValue? ReadArray(int depth, out string? error)
    {
        error = null;
        if (depth >= MaxDepth)
        {
            error = Problem($"objects and arrays nested more than {MaxDepth} deep");
            return null;
        }

        _position++;
        var items = new List<JsonValue>();
        SkipWhitespace();
        if (TryConsume(']'))
        {
            return new JsonArray(items);
        }

        while (true)
        {
            if (ReadValue(depth + 1, out error) is not JsonValue item)
            {
                return null;
            }

            items.Add(item);
            SkipWhitespace();
            if (TryConsume(']'))
            {
                return new JsonArray(items);
            }

            if (!TryConsume(','))
            {
                error = Problem("expected ',' or ']' in an array");
                return null;
            }
        }
    }

    private string? ReadString(out string? error)
    {
        error = null;
        _position++; // the opening quote
        var text = new StringBuilder();
        while (_position < _text.Length)
        {
            var c = _text[_position++];
            if (c == '"')
            {
                return text.ToString();
            }

            if (c < ' ')
            {
                _position--;
                error = Problem("a control character inside a string (escape it)");
                return null;
            }

            if (c != '\\')
            {
                text.Append(c);
                continue;
            }

            if (_position >= _text.Length)
            {
                break;
            }

            var escape = _text[_position++];
            switch (escape)
            {
                case '"': text.Append('"'); break;
                case '\\': text.Append('\\'); break;
                case '/': text.Append('/'); break;
                case 'b': text.Append('\b'); break;
                case 'f': text.Append('\f'); break;
                case 'n': text.Append('\n'); break;
                case 'r': text.Append('\r'); break;
                case 't': text.Append('\t'); break;
                case 'u' when _position + 4 <= _text.Length
                    && int.TryParse(_text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    text.Append((char)code);
                    _position += 4;
                    break;
                default:
                    _position--;
                    error = Problem($"an invalid escape '\\{escape}' in a string");
                    return null;
            }
        }

        error = Problem("the text ends inside a string");
        return null;
    }

    private JsonValue? ReadLiteral(string literal, JsonValue value, out string? error)
    {
        error = null;
        if (string.CompareOrdinal(_text, _position, literal, 0, literal.Length) == 0)
        {
            _position += literal.Length;
            return value;
        }

        error = Problem($"expected '{literal}'");
        return null;
    }

    /// <summary>RFC 8259's number: <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>.</summary>
    private JsonValue? ReadNumber(out string? error)
    {
        error = null;
        var start = _position;
        TryConsume('-');
        if (!TryConsume('0') && !ConsumeDigits())
        {
            _position = start;
            error = Problem("expected a value (an object, array, string, number, true, false or null)");
            return null;
        }

        if (TryConsume('.') && !ConsumeDigits())
        {
            error = Problem("expected a digit after the decimal point");
            return null;
        }

        if (TryConsume('e') || TryConsume('E'))
        {
            _ = TryConsume('+') || TryConsume('-');
            if (!ConsumeDigits())
            {
                error = Problem("expected a digit in the exponent");
                return null;
            }
        }

        var text = _text.Substring(start, _position - start);
        if (double.IsInfinity(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)))
        {
            _position = start;
            error = Problem($"the number {text} is beyond the range of a double");
            return null;
        }

        return new JsonNumber(text);
    }

    private bool ConsumeDigits()
    {
        var start = _position;
        while (_position < _text.Length && _text[_position] is >= '0' and <= '9')
        {
            _position++;
        }

        return _position > start;
    }

    private bool TryConsume(char c)
    {
        if (_position < _text.Length && _text[_position] == c)
        {
            _position++;
            return true;
        }

        return false;
    }

    private void SkipWhitespace()
    {
        while (_position < _text.Length && _text[_position] is ' ' or '\t' or '\n' or '\r')
        {
            _position++;
        }
    }

    /// <summary>The problem at the current position, as "line L, column C: what".</summary>
    private string Problem(string what)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < _position && i < _text.Length; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return $"line {line}, column {_position - lineStart + 1}: {what}";
    }
}
