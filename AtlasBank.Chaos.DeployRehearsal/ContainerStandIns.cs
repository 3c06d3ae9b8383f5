using System.Globalization;
using System.Text.RegularExpressions;
using AtlasBank.Chaos.Hosting;

namespace AtlasBank.Chaos.DeployRehearsal;

/// <summary>
/// Plays a container resource with the local server its image stands for, under the image's contract: the same
/// arguments and environment (the postgres image's <c>POSTGRES_*</c> variables, the redis command line), the image's
/// data directory mapped to a local folder as a volume would be, the binding's port mapped to a free local one. An
/// image it has no stand-in for, or whose major differs from the local server's, fails the rehearsal.
/// </summary>
public static partial class ContainerStandIns
{
    private static readonly TimeSpan InitDbTimeout = TimeSpan.FromMinutes(2);

    public static async Task<PlayedProcess> StartAsync(
        string name, AspireManifest manifest, DeploymentValues values, LocalBinaries binaries, string runDirectory, CancellationToken cancellationToken)
    {
        var image = manifest.Resource(name).GetProperty("image").GetString()!;
        var environment = values.ResolveAll(manifest.EnvironmentOf(name));
        var args = manifest.ArgsOf(name).Select(arg => values.Resolve(arg, $"{name}'s args")).ToList();
        var (binding, _) = manifest.BindingsOf(name).Single();
        var port = values.Port(name, binding);
        var match = Image().Match(image);
        return match.Groups["name"].Value switch
        {
            "postgres" => await StartPostgresAsync(name, match.Groups["tag"].Value, environment, args, port, binaries, runDirectory, cancellationToken),
            "redis" => await StartRedisAsync(name, match.Groups["tag"].Value, manifest, environment, args, port, binaries, runDirectory),
            _ => throw new RehearsalException($"'{name}' runs image '{image}', which the rehearsal has no local stand-in for"),
        };
    }

    private static async Task<PlayedProcess> StartPostgresAsync(
        string name, string tag, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> args, int port, LocalBinaries binaries,
        string runDirectory, CancellationToken cancellationToken)
    {
        RequireVersion(name, tag, await ServerVersions.LocalPostgresAsync(binaries));
        var root = Path.Combine(runDirectory, name);
        var data = Path.Combine(root, "data");
        var socket = Path.Combine(root, "socket");
        Directory.CreateDirectory(socket);
        var user = environment.GetValueOrDefault("POSTGRES_USER", PostgresOsUser.Name);
        var password = environment.TryGetValue("POSTGRES_PASSWORD", out var value) && value.Length > 0
            ? value
            : throw new RehearsalException($"'{name}' has no POSTGRES_PASSWORD: the postgres image refuses to initialise without one");

        // The image's docker-entrypoint.sh: initdb with POSTGRES_INITDB_ARGS, then a host rule for POSTGRES_HOST_AUTH_METHOD.
        var passwordFile = Path.Combine(root, "pwfile");
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
        string[] initDb =
        [
            binaries.InitDb, "-D", data, "-U", user, $"--pwfile={passwordFile}", "--encoding=UTF8", "--no-locale",
            .. environment.GetValueOrDefault("POSTGRES_INITDB_ARGS", string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries),
        ];
        await PostgresOsUser.RunCheckedAsync(root, initDb, InitDbTimeout, cancellationToken);
        File.Delete(passwordFile);
        if (environment.TryGetValue("POSTGRES_HOST_AUTH_METHOD", out var method))
        {
            await File.AppendAllTextAsync(Path.Combine(data, "pg_hba.conf"), $"host all all all {method}\n", cancellationToken);
        }

        // The image's PGDATA is this folder: a path into it (PGSERVICEFILE) means the same file here.
        var mapped = environment.ToDictionary(
            variable => variable.Key,
            variable => variable.Value.StartsWith(PostgresServer.ContainerDataDirectory + "/", StringComparison.Ordinal)
                ? data + variable.Value[PostgresServer.ContainerDataDirectory.Length..]
                : variable.Value,
            StringComparer.Ordinal);
        string[] server =
        [
            binaries.Postgres, "-D", data, "-p", port.ToString(CultureInfo.InvariantCulture), "-k", socket, "-c", "listen_addresses=127.0.0.1", .. args,
        ];
        var (fileName, arguments) = PostgresOsUser.Wrap(server);
        return PlayedProcess.Start(name, fileName, arguments, mapped, root, runDirectory);
    }

    private static async Task<PlayedProcess> StartRedisAsync(
        string name, string tag, AspireManifest manifest, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> args, int port,
        LocalBinaries binaries, string runDirectory)
    {
        RequireVersion(name, tag, await ServerVersions.LocalRedisAsync(binaries));
        var entrypoint = manifest.Resource(name).TryGetProperty("entrypoint", out var value) ? value.GetString() : null;
        if (entrypoint != "/bin/sh" || args is not ["-c", var command] || !command.StartsWith("redis-server ", StringComparison.Ordinal))
        {
            throw new RehearsalException($"'{name}' is not started as `/bin/sh -c \"redis-server …\"`, the only form the rehearsal plays");
        }

        var data = Path.Combine(runDirectory, name);
        Directory.CreateDirectory(data);
        // Port mapping and a data folder, as a container runtime gives; the rest of the command line is the manifest's.
        var local = $"{binaries.RedisServer}{command["redis-server".Length..]} --port {port.ToString(CultureInfo.InvariantCulture)} --bind 127.0.0.1 --dir {data}";
        return PlayedProcess.Start(name, "/bin/sh", ["-c", local], environment, data, runDirectory);
    }

    private static void RequireVersion(string name, string tag, (string? Version, string Said) local)
    {
        if (local.Version != tag)
        {
            throw new RehearsalException(
                $"'{name}' deploys version {tag}, but the local stand-in is '{local.Said}': what is rehearsed would not be what is deployed");
        }
    }

    [GeneratedRegex(@"^(?:[^/]+/)*(?<name>[^/:]+):(?<tag>[^:]+)$")]
    private static partial Regex Image();
}
