using System.Collections.Generic;
using KernelGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;

namespace KernelGen.Generator.Parsing;

/// <summary>The <c>[SlidingWindow]</c> arguments as written; <see langword="null"/> means not given.</summary>
internal readonly record struct WrittenWindow(
    int? Left, int? Right, bool? Inclusive, Backend? Convention, WindowAlignment? Alignment, int? SinkTokens = null);

/// <summary>
/// A problem found in a window, with the attribute argument it belongs to (null: the attribute); on
/// <c>[ChunkedAttention]</c> rather than <c>[SlidingWindow]</c> when <paramref name="OnChunks"/>.
/// </summary>
internal readonly record struct WindowProblem(DiagnosticDescriptor Descriptor, string? Argument, object[] MessageArguments, bool OnChunks = false);

/// <summary>
/// Turns the written window into the canonical one, collecting every problem on the way. Pure: it knows
/// nothing of syntax, so the rules can be read (and tested) in one place.
/// </summary>
internal static class WindowReader
{
    /// <summary>The largest left bound every backend can express: cuDNN's left bound and HF's width add one to it.</summary>
    public const int MaxBound = int.MaxValue - 1;

    /// <summary>
    /// The canonical window: the band that <c>[SlidingWindow]</c> (or <c>Causal</c>) gives, cut into chunks of
    /// <paramref name="chunkSize"/> when <c>[ChunkedAttention]</c> is there, with the written sink tokens.
    /// </summary>
    public static AttentionWindow? Read(string className, WrittenWindow? written, int? chunkSize, bool causal, List<WindowProblem> problems)
    {
        if (ReadBand(className, written, causal, problems) is not AttentionWindow band)
        {
            return null;
        }

        var sinks = written?.SinkTokens ?? 0;
        var ok = true;
        if (chunkSize < 1)
        {
            problems.Add(new(DiagnosticDescriptors.ChunkSizeNotPositive, "Size", new object[] { className, chunkSize! }, OnChunks: true));
            ok = false;
        }

        if (sinks < 0)
        {
            problems.Add(new(DiagnosticDescriptors.SinkTokensNegative, "SinkTokens", new object[] { className, sinks }));
            ok = false;
        }
        else if (sinks > 0 && band.Left is null)
        {
            problems.Add(new(DiagnosticDescriptors.SinkTokensWithoutLeftBound, "SinkTokens", new object[] { className, sinks }));
            ok = false;
        }
        else if (sinks > 0 && chunkSize is int size)
        {
            problems.Add(new(DiagnosticDescriptors.SinkTokensWithChunks, "SinkTokens", new object[] { className, sinks, size }));
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        var window = new AttentionWindow(band.Left, band.Right, band.Alignment, chunkSize, sinks);
        if (window.IsEmpty)
        {
            // The band itself shows keys (ReadBand checked), so the chunks hide them: the band lies -Left or -Right keys off the diagonal.
            var distance = System.Math.Max(-(long)(band.Left ?? 0), -(long)(band.Right ?? 0));
            problems.Add(new(DiagnosticDescriptors.ChunkHidesEveryKey, "Size", new object[] { className, chunkSize!, band, distance }, OnChunks: true));
            return null;
        }

        return window;
    }

    private static AttentionWindow? ReadBand(string className, WrittenWindow? written, bool causal, List<WindowProblem> problems)
    {
        if (written is not WrittenWindow window)
        {
            return causal ? AttentionWindow.Causal() : AttentionWindow.Unbounded;
        }

        if (!TryReadBounds(className, window, causal, problems, out var left, out var right))
        {
            return null;
        }

        var alignment = window.Alignment
            ?? (window.Convention is Backend convention ? BackendDescriptor.For(convention).ImpliedAlignment(causal) : null)
            ?? WindowAlignment.BottomRight;

        if (causal)
        {
            if (right > 0)
            {
                problems.Add(new(DiagnosticDescriptors.CausalWithRightBound, "Right", new object[] { className, right, window.Right! }));
                return null;
            }

            right ??= 0;
        }
        else if (window.Left is not null && right is null)
        {
            problems.Add(new(DiagnosticDescriptors.RightBoundOmitted, "Left", new object[] { className }));
        }
        else if (window.Right is not null && left is null)
        {
            problems.Add(new(DiagnosticDescriptors.LeftBoundOmitted, "Right", new object[] { className }));
        }

        var result = new AttentionWindow(left, right, alignment);
        return CheckRange(className, result, window, problems) ? result : null;
    }

    private static bool TryReadBounds(
        string className, WrittenWindow window, bool causal, List<WindowProblem> problems, out int? left, out int? right)
    {
        left = right = null;
        switch (window)
        {
            case { Inclusive: bool inclusive, Convention: Backend convention }:
                var plain = new AttentionWindow(ReadInclusive(window.Left, inclusive), ReadInclusive(window.Right, inclusive));
                var reading = WindowConventions.TryRead(convention, window.Left, window.Right, causal, out var l, out var r, out _)
                    ? $"Inclusive = {Bool(inclusive)} reads them as {plain}, Backend.{convention} as {new AttentionWindow(l, r)}"
                    : $"Inclusive = {Bool(inclusive)} reads them as {plain}";
                problems.Add(new(DiagnosticDescriptors.ConflictingReading, "Convention", new object[] { className, Bool(inclusive), convention, reading }));
                return false;

            case { Inclusive: null, Convention: null }:
                problems.Add(new(DiagnosticDescriptors.AmbiguousBounds, null, AmbiguityExample(className, window)));
                return false;

            case { Convention: Backend convention }:
                var descriptor = BackendDescriptor.For(convention);
                if (window.Alignment is null && descriptor.ImpliedAlignment(causal) is null)
                {
                    problems.Add(new(DiagnosticDescriptors.AlignmentRequired, "Convention", new object[] { className, convention, descriptor.AlignmentRule! }));
                    return false;
                }

                if (!WindowConventions.TryRead(convention, window.Left, window.Right, causal, out left, out right, out var error))
                {
                    problems.Add(new(DiagnosticDescriptors.BoundOutOfRange, "Convention", new object[] { className, error! }));
                    return false;
                }

                return true;

            default:
                var isInclusive = window.Inclusive == true;
                var ok = CheckNotNegative(className, "Left", window.Left, problems) & CheckNotNegative(className, "Right", window.Right, problems);
                left = ReadInclusive(window.Left, isInclusive);
                right = ReadInclusive(window.Right, isInclusive);
                return ok;
        }
    }

    private static bool CheckRange(string className, AttentionWindow window, WrittenWindow written, List<WindowProblem> problems)
    {
        if (window.Left > MaxBound)
        {
            problems.Add(new(DiagnosticDescriptors.BoundOverflows, "Left", new object[] { className, "left", window.Left!, "diagonal_band_left_bound", "cuDNN" }));
            return false;
        }

        var hint = written.Inclusive == false
            ? "Inclusive = false excludes the key at each bound; you probably meant Inclusive = true"
            : "bounds count keys on each side of the diagonal; use Left >= 0 and Right >= 0";
        if (window.IsEmpty)
        {
            problems.Add(new(DiagnosticDescriptors.WindowHidesEveryKey, null, new object[] { className, window, hint }));
            return false;
        }

        if (window.HidesDiagonal)
        {
            problems.Add(new(DiagnosticDescriptors.WindowHidesOwnKey, null, new object[] { className, window, hint }));
        }

        return true;
    }

    private static bool CheckNotNegative(string className, string side, int? value, List<WindowProblem> problems)
    {
        if (WindowConventions.TryCheckBound(null, side, value, out var error))
        {
            return true;
        }

        problems.Add(new(DiagnosticDescriptors.BoundOutOfRange, side, new object[] { className, error! }));
        return false;
    }

    private static int? ReadInclusive(int? value, bool inclusive) => value is int number && !inclusive ? number - 1 : value;

    private static object[] AmbiguityExample(string className, WrittenWindow window)
    {
        // A query far enough from the start that neither reading is clipped by key 0.
        var query = System.Math.Max(window.Left ?? 0, 0) + 2;
        return new object[]
        {
            className, query,
            DescribeRow(query, ReadInclusive(window.Left, true), ReadInclusive(window.Right, true)),
            DescribeRow(query, ReadInclusive(window.Left, false), ReadInclusive(window.Right, false)),
        };
    }

    private static string DescribeRow(int query, int? left, int? right)
    {
        var first = left is int l ? System.Math.Max(0L, (long)query - l) : 0;
        var last = right is int r ? (long)query + r : (long?)null;
        return last is long end
            ? end < first ? "no key" : $"keys {first}..{end} ({end - first + 1} keys)"
            : $"keys {first} and every later key";
    }

    private static string Bool(bool value) => value ? "true" : "false";
}
