using System.Linq;

namespace KernelGen;

/// <summary>
/// Reading bounds written in a backend's convention (<c>[SlidingWindow(Convention = ...)]</c>) as KernelGen's
/// canonical form (<see cref="AttentionWindow"/>): the checks every convention shares, around each backend's own
/// reading in its <see cref="BackendDescriptor"/>.
/// </summary>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
static class WindowConventions
{
    /// <summary>Whether <paramref name="value"/> names a member of <see cref="Backend"/>.</summary>
    public static bool IsDefined(Backend value) => BackendDescriptor.All.Any(descriptor => descriptor.Backend == value);

    /// <summary>
    /// Reads bounds written in <paramref name="backend"/>'s convention (<see langword="null"/> = not given) as
    /// canonical inclusive bounds, through the same <c>AttentionWindow.FromX</c> conversions the runtime uses.
    /// Returns <see langword="false"/> with a sentence in <paramref name="error"/> when the numbers mean nothing
    /// in that convention.
    /// </summary>
    public static bool TryRead(
        Backend backend, int? left, int? right, bool causal,
        out int? canonicalLeft, out int? canonicalRight, out string? error)
    {
        canonicalLeft = canonicalRight = null;
        return TryCheckBound(backend, "Left", left, out error)
            && TryCheckBound(backend, "Right", right, out error)
            && BackendDescriptor.For(backend).TryReadConvention(left, right, causal, out canonicalLeft, out canonicalRight, out error);
    }

    /// <summary>
    /// Checks one written bound: values below 0 mean something only as <paramref name="convention"/>'s own
    /// unbounded sentinel. With no convention the bound is a plain key count.
    /// </summary>
    public static bool TryCheckBound(Backend? convention, string side, int? value, out string? error)
    {
        error = null;
        var descriptor = convention is Backend given ? BackendDescriptor.For(given) : null;
        if (value is not int number || number >= 0 || number == descriptor?.UnboundedSentinel)
        {
            return true;
        }

        // Suggest a convention only for a number that some backend reads as unbounded.
        var readAsUnbounded = BackendDescriptor.All.FirstOrDefault(backend => backend.UnboundedSentinel == number);
        error = descriptor switch
        {
            null when readAsUnbounded is not null => $"{side} = {number}: bounds are key counts of 0 or more. Omit {side} for an unbounded side, or keep {number} under the Convention it comes from (for example Convention = Backend.{readAsUnbounded.Backend} reads {number} as unbounded).",
            null => $"{side} = {number}: bounds are key counts of 0 or more, and no backend reads {number} as unbounded. Omit {side} for an unbounded side.",
            { NegativeNumbers: string meaning } => $"{side} = {number}: {descriptor.DisplayName} {meaning}; omit {side} for an unbounded side",
            { UnboundedSentinel: int sentinel } => $"{side} = {number}: {descriptor.DisplayName} takes values of 0 or more, or {sentinel} for unbounded",
            _ => $"{side} = {number}: {descriptor.DisplayName} takes values of 0 or more and has no 'unbounded' sentinel; omit {side} for an unbounded side",
        };
        return false;
    }
}
