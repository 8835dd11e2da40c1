using System;
using System.Reflection;
using Xunit;

namespace KernelGen.Runtime.Tests.Conventions;

/// <summary>
/// A backend's public conversions on <see cref="AttentionWindow"/>, found by the names its parameter record gives
/// them: <c>ToCuDnn()</c> and <c>FromCuDnn(CuDnnWindow)</c> for <see cref="CuDnnWindow"/>. KG0018's code fix writes
/// <c>Spec.Window.To{Name}()</c> from the record's name, so these must exist for every backend.
/// </summary>
public sealed record ConversionMethods(Func<AttentionWindow, object> To, Func<object, AttentionWindow> From)
{
    public static ConversionMethods Of(BackendDescriptor descriptor)
    {
        var record = descriptor.ParametersType;
        Assert.EndsWith("Window", record.Name);
        var name = record.Name.Substring(0, record.Name.Length - "Window".Length);
        var to = typeof(AttentionWindow).GetMethod($"To{name}", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        var from = typeof(AttentionWindow).GetMethod($"From{name}", BindingFlags.Public | BindingFlags.Static, new[] { record });
        var tryTo = typeof(AttentionWindow).GetMethod($"TryTo{name}", BindingFlags.Public | BindingFlags.Instance, new[] { record.MakeByRefType(), typeof(string).MakeByRefType() });
        Assert.True(to?.ReturnType == record, $"AttentionWindow.To{name}() returning {record.Name} is missing");
        Assert.True(from?.ReturnType == typeof(AttentionWindow), $"AttentionWindow.From{name}({record.Name}) is missing");
        Assert.True(tryTo?.ReturnType == typeof(bool), $"AttentionWindow.TryTo{name}(out {record.Name}, out string?) is missing");
        return new(
            window => to!.Invoke(window, BindingFlags.DoNotWrapExceptions, null, null, null)!,
            parameters => (AttentionWindow)from!.Invoke(null, BindingFlags.DoNotWrapExceptions, null, new[] { parameters }, null)!);
    }
}
