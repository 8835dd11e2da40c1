using System;
using Spectre.Console;

namespace KernelGen.Reports;

/// <summary>
/// How the long runs (the CPU bench, ModelShapes) write: results as tables on standard output, progress on standard
/// error. So <c>&gt; results.txt</c> keeps the results alone, while the terminal shows the progress.
/// </summary>
internal static class ConsoleReport
{
    // Spectre wraps a table to 80 columns when standard output is not a terminal, or to the terminal's width when
    // only standard error is one: a file gets each row on one line instead.
    private const int RedirectedWidth = 1000;

    /// <summary>Standard output, for tables: colour and the terminal's width on a terminal, plain and unwrapped otherwise.</summary>
    public static IAnsiConsole Results { get; } = CreateResults();

    /// <summary>
    /// Runs <paramref name="work"/> under a progress bar of <paramref name="steps"/> steps on standard error: live on
    /// a terminal and cleared when done, or a line now and then when standard error is redirected. Nothing may write
    /// to standard output meanwhile: on a terminal it would tear the live bar.
    /// </summary>
    public static T WithProgress<T>(string description, int steps, Func<ProgressTask, T> work)
    {
        var progress = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) })
            .Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn());
        return progress.Start(context => work(context.AddTask(Markup.Escape(description), maxValue: steps)));
    }

    /// <summary>A table of right-aligned columns (figures line up on their last digit), one row per <paramref name="rows"/> entry.</summary>
    public static Table Figures(string[] columns, System.Collections.Generic.IEnumerable<string[]> rows)
    {
        var table = new Table();
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column)).RightAligned());
        }

        foreach (var row in rows)
        {
            table.AddRow(System.Linq.Enumerable.Select(row, cell => new Text(cell)));
        }

        return table;
    }

    private static IAnsiConsole CreateResults()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (!console.Profile.Out.IsTerminal)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
