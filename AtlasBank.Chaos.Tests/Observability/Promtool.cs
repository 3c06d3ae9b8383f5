namespace AtlasBank.Chaos.Tests.Observability;

/// <summary>Prometheus' promtool, as an SRE checks rules and configuration before loading them.</summary>
public static class Promtool
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private const string InstallHint = "install the Debian package 'prometheus' (or Homebrew's 'prometheus'); './build.sh test' does it for you.";

    /// <summary>promtool's exit code and its output (stdout then stderr), run in <paramref name="workingDirectory"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, params string[] arguments)
    {
        var (exitCode, output, errors) = await ToolProcess.RunAsync(workingDirectory, Bound, InstallHint, "promtool", arguments);
        return (exitCode, output + errors);
    }
}
