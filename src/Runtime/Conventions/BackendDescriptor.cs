using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;

namespace KernelGen;

/// <summary>
/// Everything KernelGen knows about one backend's window convention: its names, how its numbers read in the normal
/// form and where that was read, its unbounded sentinel and alignment, the conversions both ways, its own visibility
/// test, the pin attribute that holds its parameters, and the class the generator emits for it. Each backend is one
/// file in <c>Conventions/Backends</c>; the generator, the analyzer, the docs and the tests iterate <see cref="All"/>.
/// </summary>
/// <remarks>Compiled into both the runtime and the generator, so build-time checks and run-time conversions share it.</remarks>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
abstract class BackendDescriptor
{
    private static readonly Lazy<IReadOnlyList<BackendDescriptor>> Registry = new(Discover);

    // Only the descriptors in Conventions/Backends derive from this class.
    private protected BackendDescriptor()
    {
    }

    /// <summary>
    /// Every backend, in <see cref="Backend"/> order. Found by reflection, so that adding a backend is adding one file;
    /// a test checks that each <see cref="Backend"/> member has exactly one descriptor.
    /// </summary>
    public static IReadOnlyList<BackendDescriptor> All => Registry.Value;

    /// <summary>The member of <see cref="Backend"/> this descriptor describes.</summary>
    public abstract Backend Backend { get; }

    /// <summary>The backend's name as its users know it, for example <c>cuDNN</c>.</summary>
    public abstract string DisplayName { get; }

    /// <summary>How the backend's numbers read in the normal form (inclusive left L and right R).</summary>
    public abstract string NormalForm { get; }

    /// <summary>Where the convention was read, or run.</summary>
    public abstract string Source { get; }

    /// <summary>The value the backend reads as "unbounded", or <see langword="null"/> when it has no such sentinel.</summary>
    public virtual int? UnboundedSentinel => null;

    /// <summary>
    /// What the backend makes of a negative number when that number is not its sentinel, when that is something other
    /// than an error (FlashAttention 4 reads it as an offset); <see langword="null"/> otherwise.
    /// </summary>
    public virtual string? NegativeNumbers => null;

    /// <summary>
    /// Why a window written in this convention must state its alignment, in words that follow the backend's name, or
    /// <see langword="null"/> when the backend is bottom-right whatever the mask (see <see cref="ImpliedAlignment"/>).
    /// </summary>
    public virtual string? AlignmentRule => null;

    /// <summary>The record that holds the backend's parameters, for example <see cref="CuDnnWindow"/>.</summary>
    public abstract Type ParametersType { get; }

    /// <summary>
    /// The attribute that pins the backend's parameters on a spec, in the backend's own names, for example
    /// <c>CuDnnWindowAttribute</c>. The generator reads a pin exactly as the backend would (omitted parameters take the
    /// backend's defaults) and fails the build (KG0016) when the pinned numbers show other keys than the spec's window,
    /// with the right numbers. A pin also makes its backend a target (KG0017 when it cannot express the window at all).
    /// </summary>
    public abstract Type PinAttributeType { get; }

    /// <summary>The descriptor of <paramref name="backend"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="backend"/> is not a member of <see cref="Backend"/>.</exception>
    public static BackendDescriptor For(Backend backend) =>
        All.FirstOrDefault(descriptor => descriptor.Backend == backend)
        ?? throw new ArgumentOutOfRangeException(nameof(backend), backend, "Not a backend KernelGen knows.");

    /// <summary>
    /// The alignment the backend uses when the caller says nothing, or <see langword="null"/> when it is not
    /// bottom-right (or depends on the mask): a window written in its convention must then state its alignment.
    /// </summary>
    public virtual WindowAlignment? ImpliedAlignment(bool causal) => WindowAlignment.BottomRight;

    /// <summary><paramref name="window"/> as the backend's parameter record, or the reason the backend cannot express it.</summary>
    public abstract bool TryConvert(AttentionWindow window, out object? parameters, out string? reason);

    /// <summary>
    /// Whether the backend's parameters can say "chunked" (<see cref="AttentionWindow.ChunkSize"/>); a backend that cannot
    /// refuses every chunked window here, before its own conversion sees it, so that no conversion drops the chunks.
    /// </summary>
    public virtual bool ExpressesChunks => false;

    /// <summary>Whether the backend's parameters can hold sink tokens (<see cref="AttentionWindow.SinkTokens"/>); as <see cref="ExpressesChunks"/>.</summary>
    public virtual bool ExpressesSinkTokens => false;

    /// <summary>
    /// Why the backend cannot express <paramref name="window"/>'s chunks or sink tokens, or <see langword="null"/>. Every
    /// conversion asks this first, so that none silently drops them.
    /// </summary>
    public string? ChunkOrSinkRefusal(AttentionWindow window) =>
        window.ChunkSize is int size && !ExpressesChunks
            ? $"{DisplayName} has no chunked attention: its parameters cannot say that each query sees only its own chunk of {size} keys"
        : window.SinkTokens > 0 && !ExpressesSinkTokens
            ? $"{DisplayName} has no sink tokens: its parameters cannot keep the first {window.SinkTokens} keys visible beside the window"
        : null;

    /// <summary>The window the backend applies for <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException">A value the backend does not define.</exception>
    /// <exception cref="NotSupportedException">Parameters that describe a mask other than a band, which KernelGen cannot express.</exception>
    public abstract AttentionWindow ToWindow(object parameters);

    /// <summary>The backend's own visibility test, in its own arithmetic.</summary>
    public abstract bool IsVisible(object parameters, int query, int key, int seqQ, int seqK);

    /// <summary>
    /// Whether the backend applies the window of <paramref name="parameters"/> at these lengths; when it does not (it
    /// fails, or masks something that is not a sliding window), <paramref name="reason"/> says what it does instead.
    /// </summary>
    public virtual bool AppliesWindow(object parameters, int seqQ, int seqK, out string? reason)
    {
        reason = null;
        return true;
    }

    /// <summary>
    /// Reads bounds written in this convention, <c>[SlidingWindow(Left, Right, Convention = ...)]</c> (<see langword="null"/> =
    /// not given, sentinels already checked), as canonical inclusive bounds; returns <see langword="false"/> with a
    /// sentence in <paramref name="error"/> when the numbers mean nothing in this convention.
    /// </summary>
    public abstract bool TryReadConvention(int? left, int? right, bool causal, out int? canonicalLeft, out int? canonicalRight, out string? error);

    /// <summary>
    /// <c>Name = value</c> pairs in declaration order, as C# attribute arguments; unset (null) values are left out,
    /// as an omitted attribute argument leaves them unset. For example
    /// <c>DiagonalBandLeftBound = 4096, DiagonalBandRightBound = 0, DiagonalAlignment = WindowAlignment.BottomRight</c>.
    /// </summary>
    public string FormatArguments(object parameters) =>
        string.Join(", ", parameters.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.CanWrite)
            .OrderBy(property => property.MetadataToken)
            .Select(property => (property.Name, Value: property.GetValue(parameters)))
            .Where(pair => pair.Value is not null)
            .Select(pair => $"{pair.Name} = {Literal(pair.Value!)}"));

    /// <summary>The pin that holds <paramref name="parameters"/>, for example <c>CuDnnWindow(DiagonalBandLeftBound = 4096, ...)</c>.</summary>
    public string PinText(object parameters) => $"{ParametersType.Name}({FormatArguments(parameters)})";

    /// <summary>
    /// Reads a pin as the backend reads its parameters: omitted values take the backend's defaults, which are the pin
    /// attribute's property initialisers. <see langword="null"/> when a value the backend has no default for is missing.
    /// </summary>
    internal abstract object? ReadPin(PinArguments pin);

    /// <summary>The class the generator emits for <paramref name="parameters"/>: constants, native test and usage.</summary>
    internal abstract GeneratedBackendClass Describe(object parameters);

    private static string Literal(object value) => value switch
    {
        bool flag => flag ? "true" : "false",
        Enum member => $"{member.GetType().Name}.{member}",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static IReadOnlyList<BackendDescriptor> Discover() =>
        typeof(BackendDescriptor).Assembly.GetTypes()
            .Where(type => !type.IsAbstract && type.IsSubclassOf(typeof(BackendDescriptor)))
            .Select(type => (BackendDescriptor)Activator.CreateInstance(type, nonPublic: true)!)
            .OrderBy(descriptor => descriptor.Backend)
            .ToArray();
}

/// <summary>
/// A descriptor typed by its parameter record and pin attribute: the backend's file writes its facts against these
/// types, and the untyped members <see cref="BackendDescriptor"/> offers are derived here, once.
/// </summary>
/// <typeparam name="TParameters">The backend's parameter record.</typeparam>
/// <typeparam name="TPin">The attribute that pins those parameters; its property initialisers are the backend's defaults.</typeparam>
internal abstract class BackendDescriptor<TParameters, TPin> : BackendDescriptor
    where TParameters : struct
    where TPin : Attribute, new()
{
    public sealed override Type ParametersType => typeof(TParameters);

    public sealed override Type PinAttributeType => typeof(TPin);

    /// <summary>A pin with nothing written: its properties are the values the backend uses when one is omitted.</summary>
    protected static TPin PinDefaults { get; } = new();

    public sealed override bool TryConvert(AttentionWindow window, out object? parameters, out string? reason)
    {
        var ok = TryConvert(window, out TParameters typed, out reason);
        parameters = ok ? typed : null;
        return ok;
    }

    public sealed override AttentionWindow ToWindow(object parameters) => ToWindow((TParameters)parameters);

    public sealed override bool IsVisible(object parameters, int query, int key, int seqQ, int seqK) =>
        IsVisible((TParameters)parameters, query, key, seqQ, seqK);

    public sealed override bool AppliesWindow(object parameters, int seqQ, int seqK, out string? reason) =>
        AppliesWindow((TParameters)parameters, seqQ, seqK, out reason);

    internal sealed override object? ReadPin(PinArguments pin) => Read(pin);

    internal sealed override GeneratedBackendClass Describe(object parameters) => Describe((TParameters)parameters);

    protected abstract bool TryConvert(AttentionWindow window, out TParameters parameters, out string? reason);

    protected abstract AttentionWindow ToWindow(TParameters parameters);

    protected abstract bool IsVisible(TParameters parameters, int query, int key, int seqQ, int seqK);

    protected virtual bool AppliesWindow(TParameters parameters, int seqQ, int seqK, out string? reason)
    {
        reason = null;
        return true;
    }

    /// <summary>The parameters a pin holds, omitted values taken from <see cref="PinDefaults"/>.</summary>
    protected abstract TParameters? Read(PinArguments pin);

    protected abstract GeneratedBackendClass Describe(TParameters parameters);
}
