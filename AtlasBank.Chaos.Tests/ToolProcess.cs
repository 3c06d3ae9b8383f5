using System.ComponentModel;
using System.Diagnostics;

namespace AtlasBank.Chaos.Tests;

/// <summary>
/// Runs a command-line tool a test checks the repository with (promtool, the Spectral CLI), bounded. A missing tool
/// fails the test that asked, saying what to install: it is never skipped.
/// </summary>
public static class ToolProcess
{
    public static Task<(int ExitCode, string Output, string Errors)> RunAsync(
        string workingDirectory, TimeSpan bound, string installHint, string fileName, params string[] arguments) =>
        RunAsync(workingDirectory, bound, installHint, new Dictionary<string, string?>(), fileName, arguments);

    /// <summary>As above, with <paramref name="environment"/> over the test's own: a null value removes the variable.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(
        string workingDirectory, TimeSpan bound, string installHint, IReadOnlyDictionary<string, string?> environment, string fileName,
        params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception ex)
        {
            Assert.Fail($"Cannot run '{fileName}' ({ex.Message}): {installHint}");
            throw;
        }

        using (process)
        using (var cancellation = new CancellationTokenSource(bound))
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellation.Token);
            var errors = process.StandardError.ReadToEndAsync(cancellation.Token);
            try
            {
                await process.WaitForExitAsync(cancellation.Token);
                return (process.ExitCode, await output.WaitAsync(bound), await errors.WaitAsync(bound));
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{fileName} {string.Join(' ', arguments)} did not finish within {bound}.");
                throw;
            }
        }
    }
}
