using AtlasBank.Chaos.Contracts.Ledger;
using AtlasBank.Chaos.Contracts.Provisioning;
using AtlasBank.Chaos.ServiceDefaults.Startup;
using Npgsql;

namespace AtlasBank.LedgerDr.Dr;

/// <summary>
/// Waits at start until the ledger database holds the provisioning version this ledger needs and the ledger tables
/// answer to this service's own role, retrying until they do: the ledger is not healthy before. It creates nothing —
/// the provisioning creates tables, grants and replication, and this role may not run DDL.
/// </summary>
public sealed class LedgerDatabaseInitializer(NpgsqlDataSource dataSource, TimeProvider timeProvider, ILogger<LedgerDatabaseInitializer> logger)
    : StartupInitializer(timeProvider, logger)
{
    private static readonly string ReadEveryTable =
        "SELECT " + string.Join(", ", LedgerSchema.ReplicatedTables.Select(table => $"(SELECT 1 FROM {table} LIMIT 1)"));

    protected override string ReadyMessage => "The ledger tables are provisioned and reachable.";

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await ProvisionedSchema.RequireAsync(dataSource, "ledgerdb", ProvisionedSchema.LedgerVersion, cancellationToken);
        await using var command = dataSource.CreateCommand(ReadEveryTable);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    protected override bool IsTransient(Exception exception) =>
        exception is NpgsqlException or TimeoutException or InvalidOperationException;
}
