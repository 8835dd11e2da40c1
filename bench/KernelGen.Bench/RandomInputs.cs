using System;

namespace KernelGen.Bench;

/// <summary>The benchmark's inputs: uniform values in [-0.5, 0.5).</summary>
internal static class RandomInputs
{
    public static float[] Fill(Random random, long length)
    {
        var values = new float[length];
        for (var index = 0; index < values.Length; index++)
        {
            values[index] = (float)(random.NextDouble() - 0.5);
        }

        return values;
    }
}
