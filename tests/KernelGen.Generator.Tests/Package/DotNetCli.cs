using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;

namespace KernelGen.Generator.Tests.Package;

/// <summary>Runs the <c>dotnet</c> command line as a user would, and returns its exit code and everything it printed.</summary>
internal static class DotNetCli
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    public static (int ExitCode, string Output) Run(string directory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A build server or reused MSBuild node would outlive the command and hold its output open, so that reading
        // the output to its end would wait for them: every command runs without them.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(" ", arguments)} took more than {Limit.TotalMinutes} minutes");
        }

        Task.WaitAll(output, error);
        return (process.ExitCode, $"> dotnet {string.Join(" ", arguments.Select(Quote))}\n{output.Result}{error.Result}");
    }

    private static string Quote(string argument) => argument.Contains(' ') ? $"\"{argument}\"" : argument;
}
