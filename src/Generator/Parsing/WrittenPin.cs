using System;

namespace KernelGen.Generator.Parsing;

/// <summary>A pin attribute's arguments as the user wrote them, for a descriptor to read.</summary>
internal sealed class WrittenPin : PinArguments
{
    private readonly AttributeArguments _arguments;
    private readonly Action<string> _reportMissing;

    /// <param name="arguments">The attribute's arguments.</param>
    /// <param name="reportMissing">Reports a required argument that was not written.</param>
    public WrittenPin(AttributeArguments arguments, Action<string> reportMissing)
    {
        _arguments = arguments;
        _reportMissing = reportMissing;
    }

    public override T? Get<T>(string name) => _arguments.Get<T>(name).OrNull;

    public override T? Required<T>(string name)
    {
        var value = Get<T>(name);
        if (value is null && !_arguments.IsGiven(name))
        {
            _reportMissing(name);
        }

        return value;
    }
}
