using System.Text.RegularExpressions;

namespace AtlasBank.Chaos.Hosting;

/// <summary>
/// The server majors the whole suite runs (Debian 12's <c>redis-server</c> 7.0 and PostgreSQL 15), and so the container
/// images a deployment runs: Redis ACL rules and PostgreSQL's logical replication differ between majors, and what is
/// deployed must be what was tested (a test compares these tags with the local servers' <c>--version</c>).
/// </summary>
public static partial class ServerVersions
{
    public const string RedisImageTag = "7.0";

    public const string PostgresImageTag = "15";

    /// <summary>
    /// The local servers' versions in the tags' form: "15" from "postgres (PostgreSQL) 15.14 (Debian …)", "7.0" from
    /// "Redis server v=7.0.15 sha=…"; null when the output says neither. <c>Said</c> is what the program printed.
    /// </summary>
    public static Task<(string? Version, string Said)> LocalPostgresAsync(LocalBinaries binaries) => VersionOfAsync(binaries.Postgres, PostgresMajor());

    public static Task<(string? Version, string Said)> LocalRedisAsync(LocalBinaries binaries) => VersionOfAsync(binaries.RedisServer, RedisMajorMinor());

    private static async Task<(string? Version, string Said)> VersionOfAsync(string program, Regex pattern)
    {
        var said = (await ExternalCommand.RunAsync(program, ["--version"], TimeSpan.FromSeconds(30))).StandardOutput.Trim();
        var match = pattern.Match(said);
        return (match.Success ? match.Groups[1].Value : null, said);
    }

    [GeneratedRegex(@"\(PostgreSQL\) (\d+)\.")]
    private static partial Regex PostgresMajor();

    [GeneratedRegex(@"v=(\d+\.\d+)\.")]
    private static partial Regex RedisMajorMinor();
}
