namespace AtlasBank.Chaos.Hosting;

/// <summary>
/// postgres and initdb refuse to run as root: as root they run as the <c>postgres</c> OS user through <c>setpriv</c>, which
/// replaces itself, so a stop signal reaches postgres.
/// </summary>
public static class PostgresOsUser
{
    public const string Name = "postgres";

    private static readonly TimeSpan ChownTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The program and arguments that run <paramref name="command"/> as the postgres OS user.</summary>
    public static (string FileName, string[] Arguments) Wrap(string[] command) => Environment.IsPrivilegedProcess
        ? ("setpriv", [$"--reuid={Name}", $"--regid={Name}", "--init-groups", "--", .. command])
        : (command[0], command[1..]);

    /// <summary>Gives <paramref name="ownedDirectory"/> to the postgres user (as root), then runs <paramref name="command"/> as it.</summary>
    public static async Task RunCheckedAsync(string ownedDirectory, string[] command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (Environment.IsPrivilegedProcess)
        {
            await ExternalCommand.RunCheckedAsync("chown", ["-R", $"{Name}:", ownedDirectory], ChownTimeout, cancellationToken);
        }

        var (fileName, arguments) = Wrap(command);
        await ExternalCommand.RunCheckedAsync(fileName, arguments, timeout, cancellationToken);
    }
}
