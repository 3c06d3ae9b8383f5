using System.Diagnostics;
using System.Globalization;
using AtlasBank.Chaos.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AtlasBank.Chaos.Tests.Security;

/// <summary>
/// Processes mode's PostgreSQL servers: no local user reaches a socket, the socket asks for a password, and the
/// superuser's password is the parameter the operator sets, as with the container resources.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class ProcessPostgresServerTests(AtlasAppFixture fixture)
{
    private IReadOnlyList<ProcessPostgresServerResource> Servers =>
        [.. fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProcessPostgresServerResource>()];

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task EverySocketDirectoryIsOpenToTheServersUserAlone()
    {
        Assert.Equal(3, Servers.Count);
        foreach (var server in Servers)
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(server.SocketDirectory));
            if (Environment.IsPrivilegedProcess)
            {
                Assert.Equal(ProcessPostgresServerResource.SuperUser, await OwnerOfAsync(server.SocketDirectory));
            }
        }
    }

    [Fact]
    public async Task ASocketConnectionWithoutTheRightPasswordIsRefused()
    {
        foreach (var server in Servers)
        {
            var noPassword = await Assert.ThrowsAnyAsync<NpgsqlException>(() => OpenOverSocketAsync(server, password: null));
            Assert.Contains("password", noPassword.Message, StringComparison.OrdinalIgnoreCase);
            var wrongPassword = await Assert.ThrowsAsync<PostgresException>(() => OpenOverSocketAsync(server, "not-the-password"));
            Assert.Equal(PostgresErrorCodes.InvalidPassword, wrongPassword.SqlState);

            // The socket itself answers: what refused the others was authentication.
            await using var connection = await OpenOverSocketAsync(server, DatabasePasswords.Parameters[$"{server.Name}-password"]);
        }
    }

    [Fact]
    public async Task TheSuperusersPasswordIsThePostgresPasswordParameter()
    {
        var parameter = fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .OfType<ParameterResource>().Single(resource => resource.Name == "postgres-password");
        Assert.Equal(DatabasePasswords.Postgres, await parameter.GetValueAsync(CancellationToken.None).AsTask().WaitAsync(AtlasAppFixture.RequestTimeout));

        var primary = Servers.Single(server => server.Name == "postgres");
        await using var connection = await ServiceDatabaseCredentials.OpenAsync(
            $"Host=127.0.0.1;Port={primary.Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Password={DatabasePasswords.Postgres};Database=postgres");
        Assert.Equal(true, await ServiceDatabaseCredentials.ScalarAsync(connection, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
    }

    private static async Task<NpgsqlConnection> OpenOverSocketAsync(ProcessPostgresServerResource server, string? password)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = server.SocketDirectory,
            Port = server.Port,
            Username = ProcessPostgresServerResource.SuperUser,
            Password = password,
            Database = "postgres",
            Pooling = false,
            Timeout = 10,
        };
        return await ServiceDatabaseCredentials.OpenAsync(builder.ConnectionString);
    }

    private static async Task<string> OwnerOfAsync(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%U", path]) { RedirectStandardOutput = true })!;
        var owner = await stat.StandardOutput.ReadToEndAsync().WaitAsync(AtlasAppFixture.RequestTimeout);
        await stat.WaitForExitAsync().WaitAsync(AtlasAppFixture.RequestTimeout);
        return owner.Trim();
    }
}
