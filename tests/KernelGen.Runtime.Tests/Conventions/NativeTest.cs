using System;

namespace KernelGen.Runtime.Tests.Conventions;

/// <summary>Compares a backend's own visibility test with a window over one shape.</summary>
public static class NativeTest
{
    /// <summary>
    /// True when <paramref name="isVisible"/> fails (a backend that cannot build its mask at these lengths throws
    /// <see cref="InvalidOperationException"/>) or shows other keys than <paramref name="window"/>.
    /// </summary>
    public static bool FailsOrDiffers(AttentionWindow window, Func<int, int, bool> isVisible, int seqQ, int seqK)
    {
        try
        {
            for (var query = 0; query < seqQ; query++)
            for (var key = 0; key < seqK; key++)
            {
                if (isVisible(query, key) != window.IsVisible(query, key, seqQ, seqK))
                {
                    return true;
                }
            }

            return false;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }
}
