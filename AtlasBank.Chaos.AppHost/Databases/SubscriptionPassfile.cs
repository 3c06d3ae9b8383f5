using System.Globalization;
using System.Text;
using AtlasBank.Chaos.AppHost.Infrastructure;

namespace AtlasBank.Chaos.AppHost.Databases;

/// <summary>
/// The DR server's libpq password file (<c>PGPASSFILE</c> in the server's environment): its subscription logs in
/// to the primary with the password from here, so the subscription's connection string — which PostgreSQL
/// stores in <c>pg_subscription</c>, shows in <c>\dRs+</c> and logs in a failing <c>CREATE SUBSCRIPTION</c> — holds
/// host, port, database and user, and no secret. Readable by the server's OS user only (libpq ignores a file
/// that others can read).
/// </summary>
public static class SubscriptionPassfile
{
    public const string FileName = "pgpass";
    public const string EnvironmentVariable = "PGPASSFILE";

    /// <summary>Where the file goes in a container; the postgres image's server user is uid/gid 999.</summary>
    public const string ContainerDirectory = "/var/lib/postgresql/atlasbank";
    private const int ContainerPostgresUser = 999;

    /// <summary>One <c>hostname:port:database:username:password</c> line, with <c>:</c> and <c>\</c> escaped.</summary>
    public static string Line(string host, int port, string database, string user, string password)
    {
        var line = new StringBuilder();
        foreach (var field in new[] { host, port.ToString(CultureInfo.InvariantCulture), database, user, password })
        {
            line.Append(line.Length == 0 ? string.Empty : ":")
                .Append(field.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal));
        }

        return line.Append('\n').ToString();
    }

    /// <summary>Puts the file in place before the server starts and points the server at it.</summary>
    internal static void GiveTo(IDistributedApplicationBuilder builder, IResource server, Func<CancellationToken, Task<string>> contents)
    {
        switch (server)
        {
            case ProcessPostgresServerResource local:
                var path = Path.Combine(local.DataRoot, FileName);
                builder.CreateResourceBuilder(local)
                    .WithEnvironment(EnvironmentVariable, path)
                    .OnBeforeResourceStarted(async (_, _, cancellationToken) => await WriteAsync(path, await contents(cancellationToken), cancellationToken));
                break;
            case PostgresServerResource container:
                builder.CreateResourceBuilder(container)
                    .WithEnvironment(EnvironmentVariable, $"{ContainerDirectory}/{FileName}")
                    .WithContainerFiles(ContainerDirectory, async (_, cancellationToken) =>
                        [new ContainerFile { Name = FileName, Contents = await contents(cancellationToken), Mode = UnixPermissions.OwnerOnly }],
                        defaultOwner: ContainerPostgresUser, defaultGroup: ContainerPostgresUser);
                break;
            default:
                throw new ArgumentException($"'{server.Name}' is not a PostgreSQL server resource.", nameof(server));
        }
    }

    private static async Task WriteAsync(string path, string contents, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, contents, cancellationToken);
        UnixPermissions.Set(path, UnixPermissions.OwnerOnly);
        if (Environment.IsPrivilegedProcess)
        {
            // postgres runs as its own user and libpq wants the file to be that user's alone.
            await ExternalCommand.RunCheckedAsync("chown", [$"{ProcessPostgresServerResource.SuperUser}:", path], TimeSpan.FromSeconds(30), cancellationToken);
        }
    }
}
