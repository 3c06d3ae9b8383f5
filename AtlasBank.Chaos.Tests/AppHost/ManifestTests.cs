using System.Diagnostics;
using System.Text.Json;
using AtlasBank.Chaos.Hosting;
using Microsoft.Extensions.Configuration;

namespace AtlasBank.Chaos.Tests.AppHost;

/// <summary>The manifest is what azd deploys (to Azure Container Apps): publishing must describe every resource.</summary>
public sealed class ManifestTests : IDisposable
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(3);
    private readonly string _output = Path.Combine(Path.GetTempPath(), $"atlasbank-manifest-{Guid.NewGuid():N}");

    [Fact]
    public async Task PublishingEmitsContainersForDataServicesAndProjectsForServices()
    {
        using var manifest = await PublishedAsync();
        var resources = manifest.RootElement.GetProperty("resources");
        string TypeOf(string name) => resources.GetProperty(name).GetProperty("type").GetString()!;

        Assert.All(["redis", "postgres", "postgres-chaos", "postgres-dr"], name => Assert.Equal("container.v0", TypeOf(name)));
        Assert.All(["ledgerapi", "ledgerapi-dr", "chaos-manager", "chaos-agent"], name => Assert.Equal("project.v0", TypeOf(name)));
        Assert.All(["ledgerdb", "chaosdb", "ledgerdb-dr"], name => Assert.Equal("value.v0", TypeOf(name)));

        // The primary must run with logical decoding, or the DR subscription cannot start.
        var postgresArgs = resources.GetProperty("postgres").GetProperty("args").EnumerateArray().Select(arg => arg.GetString());
        Assert.Contains("wal_level=logical", postgresArgs);
        var drEnvironment = resources.GetProperty("ledgerapi-dr").GetProperty("env");
        Assert.Equal("dr", drEnvironment.GetProperty("Ledger__Role").GetString());
        // Each ledger knows its region, and both follow the routing in Redis (DR as a plain service, no shadow rights).
        Assert.Equal("region-b", drEnvironment.GetProperty("Ledger__Region").GetString());
        Assert.Equal("region-a", resources.GetProperty("ledgerapi").GetProperty("env").GetProperty("Ledger__Region").GetString());
        Assert.Equal("{redis-service.connectionString}", drEnvironment.GetProperty("ConnectionStrings__redis").GetString());
        Assert.Equal("{ledgerdb-monitor.connectionString}", drEnvironment.GetProperty("ConnectionStrings__ledgerdb-publisher").GetString());

        // Every service connects as its own role, under the connection name it always used, never as the superuser.
        string ConnectionOf(string service, string name) =>
            resources.GetProperty(service).GetProperty("env").GetProperty($"ConnectionStrings__{name}").GetString()!;
        Assert.Equal("{ledgerdb-app.connectionString}", ConnectionOf("ledgerapi", "ledgerdb"));
        Assert.Equal("{ledgerdb-dr-app.connectionString}", ConnectionOf("ledgerapi-dr", "ledgerdb"));
        Assert.Equal("{chaosdb-manager.connectionString}", ConnectionOf("chaos-manager", "chaosdb"));
        Assert.Equal("{ledgerdb-auditor.connectionString}", ConnectionOf("chaos-manager", "ledger-auditor"));
        Assert.Equal("{ledgerdb-dr-auditor.connectionString}", ConnectionOf("chaos-manager", "ledger-dr-auditor"));
        Assert.Equal("{ledgerdb-controller.connectionString}", ConnectionOf("chaos-manager", "ledger-controller"));
        Assert.Equal("{ledgerdb-dr-controller.connectionString}", ConnectionOf("chaos-manager", "ledger-dr-controller"));
        foreach (var (login, role) in new[]
        {
            ("ledgerdb-app", "ledger_app"), ("ledgerdb-dr-app", "ledger_app"), ("ledgerdb-monitor", "ledger_monitor"), ("chaosdb-manager", "chaos_manager"),
            ("ledgerdb-auditor", "ledger_auditor"), ("ledgerdb-dr-auditor", "ledger_auditor"),
            ("ledgerdb-controller", "ledger_dr_controller"), ("ledgerdb-dr-controller", "ledger_dr_controller"),
        })
        {
            Assert.Equal("value.v0", TypeOf(login));
            var connectionString = resources.GetProperty(login).GetProperty("connectionString").GetString()!;
            Assert.Contains($"Username={role};Password={{{login}-password.value}}", connectionString, StringComparison.Ordinal);
            var password = resources.GetProperty($"{login}-password").GetProperty("inputs").GetProperty("value");
            Assert.True(password.GetProperty("secret").GetBoolean());
            Assert.True(password.GetProperty("default").TryGetProperty("generate", out _), $"{login}-password is generated when unset");
        }

        // The provisioning is a resource of the manifest: each server as its superuser, every login's password as a
        // reference to its secret parameter (never a value), and region B's server told where its service file is.
        Assert.Equal("project.v0", TypeOf("provisioning"));
        var provisioning = resources.GetProperty("provisioning").GetProperty("env");
        Assert.All(["postgres", "postgres-dr", "postgres-chaos"],
            server => Assert.Equal($"{{{server}.connectionString}}", provisioning.GetProperty($"ConnectionStrings__{server}").GetString()));
        var passwords = provisioning.EnumerateObject().Where(variable => variable.Name.StartsWith("Provisioning__Passwords__", StringComparison.Ordinal)).ToList();
        Assert.Equal(9, passwords.Count);
        Assert.All(passwords, password => Assert.Matches(@"^\{[a-z-]+-password\.value\}$", password.Value.GetString()));
        Assert.Equal("{postgres.bindings.tcp.host}", provisioning.GetProperty("Provisioning__Publisher__Host").GetString());
        Assert.StartsWith("/var/lib/postgresql/data/", resources.GetProperty("postgres-dr").GetProperty("env").GetProperty("PGSERVICEFILE").GetString(), StringComparison.Ordinal);

        // The audit key is a secret input the deployer supplies, handed to the manager alone.
        Assert.True(resources.GetProperty("chaos-audit-key").GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
        Assert.Equal("{chaos-audit-key.value}", resources.GetProperty("chaos-manager").GetProperty("env").GetProperty("ChaosManager__Audit__Key").GetString());
    }

    [Fact]
    public async Task TheDeployedImagesAreTheMajorsTheSuiteRuns()
    {
        using var manifest = await PublishedAsync();
        var resources = manifest.RootElement.GetProperty("resources");
        var (binaries, problem) = await LocalBinaries.FindAsync(new ConfigurationBuilder().Build());
        Assert.True(binaries is not null, problem);

        // "postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)" and "Redis server v=7.0.15 sha=…": the suite's servers.
        var (postgresVersion, postgresSaid) = await ServerVersions.LocalPostgresAsync(binaries);
        var (redisVersion, redisSaid) = await ServerVersions.LocalRedisAsync(binaries);
        Assert.True(postgresVersion is not null, postgresSaid);
        Assert.True(redisVersion is not null, redisSaid);
        Assert.All(["postgres", "postgres-dr", "postgres-chaos"],
            server => Assert.Equal($"docker.io/library/postgres:{postgresVersion}", resources.GetProperty(server).GetProperty("image").GetString()));
        Assert.Equal($"docker.io/library/redis:{redisVersion}", resources.GetProperty("redis").GetProperty("image").GetString());
    }

    private async Task<JsonDocument> PublishedAsync()
    {
        var manifestPath = Path.Combine(_output, "aspire-manifest.json");
        var (exitCode, log) = await PublishManifestAsync(manifestPath);
        Assert.True(exitCode == 0, log);
        return JsonDocument.Parse(await File.ReadAllTextAsync(manifestPath));
    }

    private static async Task<(int ExitCode, string Log)> PublishManifestAsync(string manifestPath)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release"
            : "Debug";
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "run", "--project", Projects.AtlasBank_Chaos_AppHost.ProjectPath, "--no-build", "-c", configuration,
            "--no-launch-profile", "--", "--publisher", "manifest", "--output-path", manifestPath,
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(PublishTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await error);
    }

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }
}
