using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Xunit;

namespace KernelGen.Runtime.Tests.Conventions;

/// <summary>
/// A backend is one descriptor: these tests fail when a <see cref="Backend"/> member has none, or when a descriptor
/// leaves something out or lets two of its facts drift apart (the pin attribute's defaults and the values the
/// generator uses for omitted arguments, the pin's names and the record's, the conversions KG0018's fix calls).
/// </summary>
public sealed class BackendDescriptorTests
{
    public static TheoryData<Backend> Backends() => new(BackendDescriptor.All.Select(descriptor => descriptor.Backend));

    [Fact]
    public void EveryBackendHasExactlyOneDescriptorInBackendOrder() =>
        Assert.Equal(Enum.GetValues<Backend>(), BackendDescriptor.All.Select(descriptor => descriptor.Backend));

    [Theory]
    [MemberData(nameof(Backends))]
    public void DescriptorIsComplete(Backend backend)
    {
        var descriptor = BackendDescriptor.For(backend);
        Assert.False(string.IsNullOrWhiteSpace(descriptor.DisplayName));
        Assert.False(string.IsNullOrWhiteSpace(descriptor.NormalForm));
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Source));

        // A convention that does not imply bottom-right says why an explicit Alignment is needed (KG0014), and only then.
        var needsAlignment = descriptor.ImpliedAlignment(causal: true) is null || descriptor.ImpliedAlignment(causal: false) is null;
        Assert.Equal(needsAlignment, descriptor.AlignmentRule is not null);

        var record = descriptor.ParametersType;
        Assert.True(record.IsPublic && record.IsValueType && record.Namespace == "KernelGen", $"{record} is not a public struct in KernelGen");
        Assert.NotNull(record.GetMethod("IsVisible", new[] { typeof(int), typeof(int), typeof(int), typeof(int) }));
        ConversionMethods.Of(descriptor);

        var pin = descriptor.PinAttributeType;
        Assert.Equal($"{record.Name}Attribute", pin.Name);
        Assert.True(pin.IsPublic && pin.IsSealed && pin.Namespace == "KernelGen");
        Assert.Equal(AttributeTargets.Class, pin.GetCustomAttribute<AttributeUsageAttribute>()?.ValidOn);
    }

    /// <summary>KG0016 suggests <c>Pin [CuDnnWindow(...)]</c> from the record's properties: they must be the pin's.</summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public void PinTakesTheRecordsPropertiesInItsOrder(Backend backend)
    {
        var descriptor = BackendDescriptor.For(backend);
        Assert.Equal(
            Settable(descriptor.ParametersType).Select(property => property.Name),
            Settable(descriptor.PinAttributeType).Select(property => property.Name));
    }

    /// <summary>
    /// Pin defaults live in one place, the attribute's property initialisers: an omitted argument reads exactly as the
    /// same argument written with its initial value. The exceptions have no initialiser to drift: an argument the
    /// backend requires (reported when missing) and one whose omission leaves the parameter unset (null in the record).
    /// Every argument is read: writing another value changes the parameters.
    /// </summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public void OmittedPinArgumentsReadAsTheAttributeInitialisers(Backend backend)
    {
        var descriptor = BackendDescriptor.For(backend);
        var initial = Activator.CreateInstance(descriptor.PinAttributeType)!;
        var properties = Settable(descriptor.PinAttributeType).ToArray();
        var everyArgument = properties.ToDictionary(property => property.Name, property => property.GetValue(initial)!);
        var written = ReadPin(descriptor, everyArgument, out var missing);
        Assert.Empty(missing);
        Assert.NotNull(written);

        foreach (var property in properties)
        {
            var omitted = ReadPin(descriptor, everyArgument.Where(pair => pair.Key != property.Name).ToDictionary(pair => pair.Key, pair => pair.Value), out missing);
            var unsetWhenOmitted = Nullable.GetUnderlyingType(descriptor.ParametersType.GetProperty(property.Name)!.PropertyType) is not null;
            if (missing.Contains(property.Name) || unsetWhenOmitted)
            {
                Assert.True(
                    Equals(property.GetValue(initial), Activator.CreateInstance(property.PropertyType)),
                    $"{descriptor.PinAttributeType.Name}.{property.Name} has an initialiser, but an omitted {property.Name} is {(unsetWhenOmitted ? "unset" : "required")}");
                Assert.True(unsetWhenOmitted ? descriptor.ParametersType.GetProperty(property.Name)!.GetValue(omitted) is null : omitted is null);
            }
            else
            {
                Assert.Empty(missing);
                Assert.Equal(written, omitted);
            }

            var changed = new Dictionary<string, object>(everyArgument) { [property.Name] = Another(property.GetValue(initial)!) };
            Assert.NotEqual(written, ReadPin(descriptor, changed, out _));
        }
    }

    private static object? ReadPin(BackendDescriptor descriptor, IReadOnlyDictionary<string, object> arguments, out List<string> missing)
    {
        var pin = new GivenPin(arguments);
        var parameters = descriptor.ReadPin(pin);
        missing = pin.Missing;
        return parameters;
    }

    private static object Another(object value) => value switch
    {
        int number => number + 1,
        bool flag => !flag,
        Enum member => Enum.GetValues(member.GetType()).Cast<object>().First(other => !other.Equals(member)),
        _ => throw new NotSupportedException($"No other value of {value.GetType().Name} yet."),
    };

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.CanWrite && property.DeclaringType == type)
            .OrderBy(property => property.MetadataToken);

    /// <summary>Pin arguments as written in a test: by name, each one of the attribute property's own type.</summary>
    private sealed class GivenPin : PinArguments
    {
        private readonly IReadOnlyDictionary<string, object> _arguments;

        public GivenPin(IReadOnlyDictionary<string, object> arguments) => _arguments = arguments;

        public List<string> Missing { get; } = new();

        public override T? Get<T>(string name) => _arguments.TryGetValue(name, out var value) ? (T)value : null;

        public override T? Required<T>(string name)
        {
            if (!_arguments.ContainsKey(name))
            {
                Missing.Add(name);
            }

            return Get<T>(name);
        }
    }
}
