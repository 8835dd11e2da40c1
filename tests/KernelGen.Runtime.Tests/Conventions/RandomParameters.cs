using System;
using System.Linq;

namespace KernelGen.Runtime.Tests.Conventions;

/// <summary>
/// Random values of any backend's parameter record, built through its constructor from the types of its parameters,
/// so a new backend's native parameters are sampled without a line of test code: numbers from -3 to 24 (sentinels,
/// values no backend defines, and windows wider than the lengths tested), sometimes null where the record allows it.
/// </summary>
public static class RandomParameters
{
    public static object For(Type record, Random random)
    {
        var constructor = record.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        return constructor.Invoke(constructor.GetParameters().Select(parameter => Value(parameter.ParameterType, random)).ToArray());
    }

    private static object? Value(Type type, Random random) => type switch
    {
        _ when Nullable.GetUnderlyingType(type) is Type underlying => random.Next(6) == 0 ? null : Value(underlying, random),
        _ when type == typeof(int) => random.Next(-3, 25),
        _ when type == typeof(bool) => random.Next(2) == 0,
        _ when type.IsEnum => Enum.GetValues(type).GetValue(random.Next(Enum.GetValues(type).Length)),
        _ => throw new NotSupportedException($"No random values of {type.Name} yet: teach {nameof(RandomParameters)} this parameter type."),
    };
}
