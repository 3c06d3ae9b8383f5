using System.Diagnostics;

namespace AtlasBank.Chaos.Hosting;

/// <summary>Runs a short-lived helper program (initdb, chown, a runtime probe) to completion.</summary>
public static class ExternalCommand
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public bool Succeeded => ExitCode == 0;
    }

    public static async Task<Result> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new Result(-1, string.Empty, ex.Message);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return new Result(-1, string.Empty, $"'{fileName}' did not finish within {timeout.TotalSeconds:0} s.");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs the command and throws with its output when it fails.</summary>
    public static async Task RunCheckedAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(fileName, arguments, timeout, cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"'{fileName} {string.Join(' ', arguments)}' failed with exit code {result.ExitCode}: {result.StandardError.Trim()} {result.StandardOutput.Trim()}");
        }
    }
}
