using AtlasBank.Chaos.Contracts.Provisioning;
using AtlasBank.Chaos.Provisioning.Postgres;
using Npgsql;

namespace AtlasBank.Chaos.Tests.Provisioning;

/// <summary>
/// Each database records the provisioning versions applied: an upgrade applies only what is new, and a service refuses
/// to be ready on a database older than it needs (deployed, nothing orders the provisioning before the services).
/// Against a scratch database on the real chaos server.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class ProvisionedVersionTests(AtlasAppFixture fixture) : IAsyncLifetime
{
    private readonly string _database = $"versions_{Guid.NewGuid():N}";
    private ServerConnection? _server;

    private ServerConnection Server => _server ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync()
    {
        _server = new ServerConnection("postgres-chaos", await fixture.App.GetConnectionStringAsync("chaosdb") ?? throw new InvalidOperationException("No chaosdb."));
        await Server.EnsureDatabaseAsync(_database, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = await Server.OpenAsync("postgres", CancellationToken.None);
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task AnUpgradeAppliesOnlyTheVersionsTheDatabaseDoesNotHoldYet()
    {
        var applied = new List<int>();
        ProvisionedVersions.Migration Creates(int version, string table) => new(version, $"table {table}", async (admin, transaction, token) =>
        {
            applied.Add(version);
            await using var create = new NpgsqlCommand($"CREATE TABLE {table} (id int)", admin, transaction);
            await create.ExecuteNonQueryAsync(token);
        });
        await using var admin = await Server.OpenAsync(_database, CancellationToken.None);

        await ProvisionedVersions.ApplyAsync(admin, await ProvisionedVersions.CurrentAsync(admin, default), [Creates(1, "first"), Creates(2, "second")], default);
        // The next release: the same two and a third. Applying 1 or 2 again would fail (the tables exist).
        await ProvisionedVersions.ApplyAsync(admin, await ProvisionedVersions.CurrentAsync(admin, default),
            [Creates(1, "first"), Creates(2, "second"), Creates(3, "third")], default);
        // The same release once more: nothing to do.
        await ProvisionedVersions.ApplyAsync(admin, await ProvisionedVersions.CurrentAsync(admin, default),
            [Creates(1, "first"), Creates(2, "second"), Creates(3, "third")], default);

        Assert.Equal([1, 2, 3], applied);
        Assert.Equal(3, await ProvisionedVersions.CurrentAsync(admin, default));
    }

    [Fact]
    public async Task AVersionThatFailsHalfwayIsNotRecordedAndAppliesAgainWhole()
    {
        await using var admin = await Server.OpenAsync(_database, CancellationToken.None);
        var attempts = 0;
        var flaky = new ProvisionedVersions.Migration(1, "two tables, the second failing once", async (connection, transaction, token) =>
        {
            await using (var first = new NpgsqlCommand("CREATE TABLE one (id int)", connection, transaction))
            {
                await first.ExecuteNonQueryAsync(token);
            }

            await using var second = new NpgsqlCommand(++attempts == 1 ? "CREATE TABLE two (id no_such_type)" : "CREATE TABLE two (id int)", connection, transaction);
            await second.ExecuteNonQueryAsync(token);
        });

        await Assert.ThrowsAsync<PostgresException>(() => ProvisionedVersions.ApplyAsync(admin, 0, [flaky], default));
        Assert.Equal(0, await ProvisionedVersions.CurrentAsync(admin, default));
        await ProvisionedVersions.ApplyAsync(admin, 0, [flaky], default);

        Assert.Equal(1, await ProvisionedVersions.CurrentAsync(admin, default));
    }

    [Fact]
    public async Task AServiceIsNotReadyOnADatabaseOlderThanTheVersionItNeedsAndIsOnceItHoldsIt()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(await fixture.App.GetConnectionStringAsync("chaosdb")) { Database = _database };
        await using var dataSource = NpgsqlDataSource.Create(connectionString.ConnectionString);

        var missing = await Assert.ThrowsAsync<PostgresException>(() => ProvisionedSchema.RequireAsync(dataSource, _database, 1, default));
        Assert.Equal(PostgresErrorCodes.UndefinedTable, missing.SqlState);
        await using var admin = await Server.OpenAsync(_database, CancellationToken.None);
        await ProvisionedVersions.CurrentAsync(admin, default);
        var older = await Assert.ThrowsAsync<SchemaNotProvisionedException>(() => ProvisionedSchema.RequireAsync(dataSource, _database, 1, default));
        Assert.Contains("holds provisioning version 0, this service needs 1", older.Message, StringComparison.Ordinal);

        await ProvisionedVersions.ApplyAsync(admin, 0, [new(1, "nothing", (_, _, _) => Task.CompletedTask)], default);
        await ProvisionedSchema.RequireAsync(dataSource, _database, 1, default);
    }
}
