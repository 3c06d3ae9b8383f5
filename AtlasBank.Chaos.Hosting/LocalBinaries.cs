using Microsoft.Extensions.Configuration;

namespace AtlasBank.Chaos.Hosting;

/// <summary>Finds the Redis and PostgreSQL server programs for processes mode.</summary>
/// <remarks>
/// Order: explicit configuration (<c>Infra:RedisServer</c>, <c>Infra:PostgresBinDir</c>), then PATH, then
/// <c>pg_config --bindir</c>, which is how Debian and most packagers expose the versioned bin directory.
/// </remarks>
public sealed record LocalBinaries(string RedisServer, string PostgresBinDirectory)
{
    public string Postgres => Path.Combine(PostgresBinDirectory, "postgres");

    public string InitDb => Path.Combine(PostgresBinDirectory, "initdb");

    public const string InstallHint =
        "Install a container runtime (Docker or Podman), or the local servers: on Debian/Ubuntu " +
        "'apt-get install -y redis-server postgresql', on macOS 'brew install redis postgresql@15'. " +
        "Or point Infra:RedisServer and Infra:PostgresBinDir at existing binaries.";

    public static async Task<(LocalBinaries? Binaries, string? Problem)> FindAsync(IConfiguration configuration)
    {
        var redis = configuration["Infra:RedisServer"] is { Length: > 0 } configuredRedis
            ? (File.Exists(configuredRedis) ? configuredRedis : null)
            : FindOnPath("redis-server");

        var postgresBin = configuration["Infra:PostgresBinDir"] is { Length: > 0 } configuredBin
            ? configuredBin
            : Path.GetDirectoryName(FindOnPath("postgres") ?? string.Empty) is { Length: > 0 } onPath && File.Exists(Path.Combine(onPath, "initdb"))
                ? onPath
                : await AskPgConfigAsync();

        var problems = new List<string>();
        if (redis is null)
        {
            problems.Add("redis-server was not found");
        }

        if (postgresBin is null || !File.Exists(Path.Combine(postgresBin, "postgres")) || !File.Exists(Path.Combine(postgresBin, "initdb")))
        {
            problems.Add("PostgreSQL server binaries (postgres, initdb) were not found");
        }

        return problems.Count == 0
            ? (new LocalBinaries(redis!, postgresBin!), null)
            : (null, string.Join("; ", problems));
    }

    public static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);

    private static async Task<string?> AskPgConfigAsync()
    {
        if (FindOnPath("pg_config") is not { } pgConfig)
        {
            return null;
        }

        var result = await ExternalCommand.RunAsync(pgConfig, ["--bindir"], TimeSpan.FromSeconds(10));
        return result.Succeeded ? result.StandardOutput.Trim() : null;
    }
}
