using System;

namespace KernelGen;

/// <summary>A backend cannot express a window exactly; KernelGen never rounds to a nearby window instead.</summary>
#if KERNELGEN_GENERATOR
internal
#else
public
#endif
sealed class WindowNotExpressibleException : NotSupportedException
{
    /// <summary>Creates the exception for <paramref name="backend"/> with the plain reason.</summary>
    public WindowNotExpressibleException(Backend backend, AttentionWindow window, string reason)
        : base($"{BackendDescriptor.For(backend).DisplayName} cannot express {window}: {reason}.")
    {
        Backend = backend;
        Reason = reason;
    }

    /// <summary>The backend that cannot express the window.</summary>
    public Backend Backend { get; }

    /// <summary>Why, in one sentence.</summary>
    public string Reason { get; }
}
