using AtlasBank.Chaos.Manager.Dr.Databases;
using Npgsql;
using static AtlasBank.Chaos.Tests.Security.ServiceDatabaseCredentials;

namespace AtlasBank.Chaos.Tests.Dr.Databases;

/// <summary>
/// The failover controller's login, with the credentials the manager receives: it reads the ledger, writes only its
/// staging copy, and changes the ledger through the <c>dr</c> functions alone, so it can neither mint nor erase money.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class DrControllerRoleTests(AtlasAppFixture fixture)
{
    public static TheoryData<string, string> Forbidden()
    {
        string[] statements =
        [
            "CREATE TABLE forged (id int)",
            "CREATE FUNCTION dr.forged() RETURNS int LANGUAGE sql AS 'SELECT 1'",
            "ALTER ROLE ledger_app NOLOGIN",
            "ALTER ROLE ledger_dr_controller SUPERUSER",
            "GRANT ledger_writer TO ledger_app",
            "GRANT ledger_writer TO ledger_dr_controller",
            "UPDATE accounts SET balance = balance + 1",
            "DELETE FROM entries",
            // Neither mint nor erase money: no row of its own in a ledger table, no truncation.
            "INSERT INTO accounts (id, name, currency, allow_overdraft, balance, created_at) VALUES (gen_random_uuid(), 'minted', 'EUR', false, 1000000, now())",
            "INSERT INTO entries (id, transfer_id, account_id, amount, balance_after, created_at) SELECT gen_random_uuid(), transfer_id, account_id, amount, balance_after, now() FROM entries LIMIT 1",
            "TRUNCATE accounts, transfers, entries CASCADE",
            "ALTER TABLE accounts DROP CONSTRAINT accounts_funds_check",
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'ledger_app'",
            "SELECT pg_drop_replication_slot('ledger_dr_sub')",
            "SELECT pg_create_logical_replication_slot('forged_slot', 'pgoutput')",
            "SET session_replication_role = replica",
        ];
        var data = new TheoryData<string, string>();
        foreach (var connectionName in DrDatabaseOptions.ConnectionNames.Values)
        {
            foreach (var statement in statements)
            {
                data.Add(connectionName, statement);
            }
        }

        data.Add(DrDatabaseOptions.RegionAConnectionName, "DROP PUBLICATION ledger_pub");
        data.Add(DrDatabaseOptions.RegionBConnectionName, "ALTER SUBSCRIPTION ledger_dr_sub DISABLE");
        data.Add(DrDatabaseOptions.RegionBConnectionName, "DROP SUBSCRIPTION ledger_dr_sub");
        return data;
    }

    [Theory]
    [MemberData(nameof(Forbidden))]
    public async Task TheControllerCannotChangeRolesSchemaReplicationOrLedgerRowsExceptThroughItsFunctions(string connectionName, string statement)
    {
        var credentials = await RegionDatabases.ConnectionStringAsync(fixture, connectionName);
        Assert.Equal("ledger_dr_controller", new NpgsqlConnectionStringBuilder(credentials).Username);
        await using var controller = await OpenAsync(credentials);
        // Rolled back: were the statement allowed, nothing would stay changed.
        await using var transaction = await controller.BeginTransactionAsync();

        var denied = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(controller, statement, transaction));

        Assert.True(denied.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{denied.SqlState}: {denied.MessageText}");
    }

    [Theory]
    [InlineData(DrDatabaseOptions.RegionAConnectionName, "ALTER SYSTEM SET fsync = off")]
    [InlineData(DrDatabaseOptions.RegionAConnectionName, "ALTER SYSTEM SET wal_level = minimal")]
    [InlineData(DrDatabaseOptions.RegionBConnectionName, "ALTER SYSTEM SET synchronous_standby_names = 'forged'")]
    [InlineData(DrDatabaseOptions.RegionBConnectionName, "SELECT pg_reload_conf()")]
    public async Task TheControllerChangesNoServerSettingButRegionAsSynchronousStandby(string connectionName, string statement)
    {
        await using var controller = await OpenAsync(await RegionDatabases.ConnectionStringAsync(fixture, connectionName));

        // Outside a transaction (ALTER SYSTEM refuses one): were it allowed, it would take effect.
        var denied = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(controller, statement));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
    }

    [Fact]
    public async Task NoOtherLoginMayRunTheDrFunctions()
    {
        foreach (var (service, connectionName) in new[] { ("ledgerapi", "ledgerdb"), ("ledgerapi-dr", "ledgerdb"), ("chaos-manager", "ledger-auditor") })
        {
            await using var login = await OpenAsync(await OfAsync(fixture, service, connectionName));
            foreach (var function in new[] { "dr.grant_writes(0)", "dr.fence_writes(0)", "dr.drop_slot()", "dr.position()", "dr.role()" })
            {
                var denied = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(login, $"SELECT {function}"));
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
            }
        }
    }

    [Fact]
    public async Task TheControllerCannotLogInToTheChaosDatabase()
    {
        var chaos = new NpgsqlConnectionStringBuilder((await fixture.App.GetConnectionStringAsync("chaosdb").AsTask().WaitAsync(AtlasAppFixture.RequestTimeout))!);
        var controller = new NpgsqlConnectionStringBuilder(await RegionDatabases.ConnectionStringAsync(fixture, DrDatabaseOptions.RegionAConnectionName))
        {
            Host = chaos.Host,
            Port = chaos.Port,
            Database = chaos.Database,
        };

        var refused = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(controller.ConnectionString));

        // Invalid authorization (28xxx): chaosdb's server knows no such login.
        Assert.StartsWith("28", refused.SqlState, StringComparison.Ordinal);
    }
}
