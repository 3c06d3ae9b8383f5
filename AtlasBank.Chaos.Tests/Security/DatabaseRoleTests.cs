using AtlasBank.Chaos.Tests.Chaos;
using AtlasBank.Chaos.Tests.Ledger;
using Npgsql;
using static AtlasBank.Chaos.Tests.Security.ServiceDatabaseCredentials;

namespace AtlasBank.Chaos.Tests.Security;

/// <summary>
/// Least privilege in the databases, tried with the credentials each service actually receives: DR cannot
/// write while it is not the writer, the subscription is no superuser and holds no password, the manager can only append to its audit.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class DatabaseRoleTests(AtlasAppFixture fixture)
{
    private static readonly TimeSpan ReplicationBound = TimeSpan.FromSeconds(30);
    private const string Subscription = "ledger_dr_sub";

    private readonly LedgerClient _primary = new(fixture.CreateClient("ledgerapi"));
    private readonly LedgerClient _dr = new(fixture.CreateClient("ledgerapi-dr"));

    [Fact]
    public async Task TheDrLedgersOwnLoginCannotWriteItsDatabaseWhileRegionBIsNotTheWriter()
    {
        var (_, customer) = await _primary.CreateFundedPairAsync(10m);
        await _dr.WaitForBalanceAsync(customer.Id, 10m, ReplicationBound);
        var credentials = await OfAsync(fixture, "ledgerapi-dr", "ledgerdb");
        // The same role as region A's ledger (so a failover can make it the writer), on region B's server.
        Assert.Equal("ledger_app", new NpgsqlConnectionStringBuilder(credentials).Username);
        await using var admin = await OpenAdminAsync(fixture, "ledgerdb-dr");
        var before = await LedgerFingerprintAsync(admin);
        await using var dr = await OpenAsync(credentials);

        // Region B is not the writer: its ledger's login holds no write grant there, whatever the transaction asks.
        foreach (var write in new[]
        {
            $"UPDATE accounts SET balance = balance + 1 WHERE id = '{customer.Id}'",
            $"INSERT INTO accounts (id, name, currency, created_at) VALUES ('{Guid.NewGuid()}', 'forged', 'EUR', now())",
            $"SELECT 1 FROM accounts WHERE id = '{customer.Id}' FOR UPDATE",
            "DELETE FROM entries",
        })
        {
            var denied = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(dr, write));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
        }

        Assert.Equal(before, await LedgerFingerprintAsync(admin));
        Assert.Equal(10m, (await _dr.GetAccountAsync(customer.Id))!.Balance);
    }

    [Fact]
    public async Task TheSubscriptionLogsInAsANonSuperuserReplicationRoleAndItsConnectionHoldsNoPassword()
    {
        await using var dr = await OpenAdminAsync(fixture, "ledgerdb-dr");
        var connectionInfo = (string)(await ScalarAsync(dr, $"SELECT subconninfo FROM pg_subscription WHERE subname = '{Subscription}'"))!;
        Assert.DoesNotContain("password", connectionInfo, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(DatabasePasswords.Parameters["ledgerdb-replicator-password"], connectionInfo, StringComparison.Ordinal);

        // The walsender serving the subscription on the primary is what it really logs in as.
        await using var primary = await OpenAdminAsync(fixture, "ledgerdb");
        string? user = null;
        await Eventually.TrueAsync(async () =>
        {
            user = await ScalarAsync(primary, $"SELECT usename FROM pg_stat_replication WHERE application_name = '{Subscription}'") as string;
            return user is not null;
        }, ReplicationBound, "the subscription's walsender on the primary");
        Assert.Equal("ledger_replicator", user);
        // The login comes from the service file in region B's data directory; the catalog names only the service.
        Assert.DoesNotContain(user!, connectionInfo, StringComparison.Ordinal);

        await using var role = new NpgsqlCommand("SELECT rolsuper, rolreplication FROM pg_roles WHERE rolname = $1", primary) { Parameters = { new() { Value = user } } };
        await using (var reader = await role.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.False(reader.GetBoolean(0), "the subscription's role must not be a superuser");
            Assert.True(reader.GetBoolean(1), "the subscription's role needs REPLICATION");
        }

        // It reads the published tables and can change none of them.
        foreach (var table in new[] { "accounts", "transfers", "entries" })
        {
            Assert.True((bool)(await ScalarAsync(primary, $"SELECT has_table_privilege('{user}', '{table}', 'SELECT')"))!);
            Assert.False((bool)(await ScalarAsync(primary, $"SELECT has_table_privilege('{user}', '{table}', 'INSERT, UPDATE, DELETE, TRUNCATE')"))!);
        }
    }

    [Theory]
    [InlineData("UPDATE chaos_audit SET detail = 'rewritten'")]
    [InlineData("DELETE FROM chaos_audit")]
    [InlineData("TRUNCATE chaos_audit")]
    [InlineData("ALTER TABLE chaos_audit DISABLE TRIGGER chaos_audit_no_change")]
    [InlineData("ALTER TABLE chaos_audit ADD COLUMN forged text")]
    [InlineData("DROP TABLE chaos_audit")]
    [InlineData("DROP TRIGGER chaos_audit_no_change ON chaos_audit")]
    [InlineData("SET session_replication_role = replica")]
    public async Task TheManagersRoleIsDeniedChangingTheAuditTrailOrSwitchingItsTriggerOff(string statement)
    {
        var credentials = await OfAsync(fixture, "chaos-manager", "chaosdb");
        Assert.Equal("chaos_manager", new NpgsqlConnectionStringBuilder(credentials).Username);
        await using var manager = await OpenAsync(credentials);
        // In a transaction that is rolled back: were the statement allowed, the audit would still be intact.
        await using var transaction = await manager.BeginTransactionAsync();

        var denied = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(manager, statement, transaction));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
    }

    [Fact]
    public async Task TheManagersRoleCanAppendToAndReadTheAuditTrail()
    {
        await using var admin = await OpenAdminAsync(fixture, "chaosdb");
        using (var viewer = fixture.CreateManagerClient(AtlasAppFixture.ViewerKey))
        {
            await new ChaosManagerClient(viewer).ListAsync(); // audited: there is a row to copy
        }

        await Eventually.TrueAsync(async () => (long)(await ScalarAsync(admin, "SELECT count(*) FROM chaos_audit"))! > 0,
            TimeSpan.FromSeconds(30), "an audit row");
        await using var manager = await OpenAsync(await OfAsync(fixture, "chaos-manager", "chaosdb"));
        // One snapshot for both counts: the manager keeps chaining audit rows (the viewer's list above among them),
        // and under READ COMMITTED a row it commits between the counts would be counted as this insert's.
        await using var transaction = await manager.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        var rows = (long)(await ScalarAsync(manager, "SELECT count(*) FROM chaos_audit", transaction))!;

        // A copy of the newest row under an id the chain never uses, whatever the columns are; rolled back, so the
        // chain stays as the manager wrote it.
        await ExecuteAsync(manager, $"""
            INSERT INTO chaos_audit
            SELECT (jsonb_populate_record(null::chaos_audit, to_jsonb(newest) || jsonb_build_object('id', -1, 'row_key', '{Guid.NewGuid():N}'))).*
            FROM (SELECT * FROM chaos_audit ORDER BY id DESC LIMIT 1) newest
            """, transaction);

        Assert.Equal(rows + 1, (long)(await ScalarAsync(manager, "SELECT count(*) FROM chaos_audit", transaction))!);
        await transaction.RollbackAsync();
    }

    [Theory]
    [InlineData("CREATE TABLE forged (id int)")]
    [InlineData("ALTER TABLE accounts DROP CONSTRAINT accounts_funds_check")]
    [InlineData("UPDATE accounts SET allow_overdraft = true")]
    [InlineData("UPDATE transfers SET amount = 1")]
    [InlineData("DELETE FROM entries")]
    [InlineData("TRUNCATE accounts CASCADE")]
    [InlineData("DROP PUBLICATION ledger_pub")]
    public async Task ThePrimaryLedgersRoleRunsNoDdlAndNoWriteItsStoreNeverMakes(string statement)
    {
        var credentials = await OfAsync(fixture, "ledgerapi", "ledgerdb");
        Assert.Equal("ledger_app", new NpgsqlConnectionStringBuilder(credentials).Username);
        await using var ledger = await OpenAsync(credentials);
        await using var transaction = await ledger.BeginTransactionAsync();

        var denied = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(ledger, statement, transaction));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
    }

    [Theory]
    [InlineData("ledgerapi", "ledgerdb")]
    [InlineData("ledgerapi-dr", "ledgerdb")]
    [InlineData("ledgerapi-dr", "ledgerdb-publisher")]
    [InlineData("chaos-manager", "chaosdb")]
    [InlineData("chaos-manager", "ledger-auditor")]
    [InlineData("chaos-manager", "ledger-dr-auditor")]
    [InlineData("chaos-manager", "ledger-controller")]
    [InlineData("chaos-manager", "ledger-dr-controller")]
    public async Task AServiceLoginReachesItsOwnDatabaseAndNoOther(string service, string connectionName)
    {
        var credentials = new NpgsqlConnectionStringBuilder(await OfAsync(fixture, service, connectionName));
        await using (var own = await OpenAsync(credentials.ConnectionString))
        {
            Assert.Equal(false, await ScalarAsync(own, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
        }

        foreach (var other in new[] { "postgres", "template1" })
        {
            credentials.Database = other;
            var refused = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(credentials.ConnectionString));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
    }

    [Theory]
    [InlineData("ledger-auditor")]
    [InlineData("ledger-dr-auditor")]
    public async Task TheDrillsAuditorReadsTheLedgerTablesAndCanChangeNothingOnEitherServer(string connectionName)
    {
        var credentials = await OfAsync(fixture, "chaos-manager", connectionName);
        Assert.Equal("ledger_auditor", new NpgsqlConnectionStringBuilder(credentials).Username);
        await using var auditor = await OpenAsync(credentials);
        foreach (var table in new[] { "accounts", "transfers", "entries" })
        {
            Assert.IsType<long>(await ScalarAsync(auditor, $"SELECT count(*) FROM {table}"));
        }

        // Every transaction it starts is read-only...
        foreach (var write in new[]
        {
            "UPDATE accounts SET balance = balance + 1",
            $"INSERT INTO accounts (id, name, currency, created_at) VALUES ('{Guid.NewGuid()}', 'forged', 'EUR', now())",
        })
        {
            var readOnly = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(auditor, write));
            Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, readOnly.SqlState);
        }

        // ...and one that asks to write is refused by the grants: SELECT is all it holds.
        foreach (var write in new[] { "UPDATE accounts SET balance = balance + 1", "INSERT INTO entries SELECT * FROM entries LIMIT 1" })
        {
            await using var transaction = await auditor.BeginTransactionAsync();
            await ExecuteAsync(auditor, "SET TRANSACTION READ WRITE", transaction);
            var denied = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(auditor, write, transaction));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
        }
    }

    /// <summary>Counts and an MD5 over every ledger row, as the superuser sees them.</summary>
    private static async Task<string> LedgerFingerprintAsync(NpgsqlConnection admin) =>
        (string)(await ScalarAsync(admin, """
            SELECT (SELECT count(*) FROM accounts) || '/' || (SELECT count(*) FROM transfers) || '/' || (SELECT count(*) FROM entries) || '/' ||
                   md5(coalesce((SELECT string_agg(id::text || ':' || balance::text, ',' ORDER BY id) FROM accounts), ''))
            """))!;
}
