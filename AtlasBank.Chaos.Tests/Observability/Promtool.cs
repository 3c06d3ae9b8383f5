using System.ComponentModel;
using System.Diagnostics;

namespace AtlasBank.Chaos.Tests.Observability;

/// <summary>
/// Runs Prometheus' promtool, as an SRE checks rules and configuration before loading them. It comes with the Debian
/// <c>prometheus</c> package, which <c>./build.sh test</c> installs; a missing promtool fails, never skips.
/// </summary>
public static class Promtool
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("promtool")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
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
            Assert.Fail($"Cannot run promtool ({ex.Message}): install the Debian package 'prometheus' (or Homebrew's 'prometheus'); './build.sh test' does it for you.");
            throw;
        }

        using (process)
        using (var cancellation = new CancellationTokenSource(Bound))
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellation.Token);
            var errors = process.StandardError.ReadToEndAsync(cancellation.Token);
            try
            {
                await process.WaitForExitAsync(cancellation.Token);
                return (process.ExitCode, await output.WaitAsync(Bound) + await errors.WaitAsync(Bound));
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"promtool {string.Join(' ', arguments)} did not finish within {Bound}.");
                throw;
            }
        }
    }
}
