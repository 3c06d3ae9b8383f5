using AtlasBank.Chaos.ServiceDefaults.Startup;

namespace AtlasBank.LedgerDr.Dr;

/// <summary>
/// Prepares the database (schema, publication or subscription) at start, retrying until it succeeds: the
/// ledger is not healthy until its database is ready.
/// </summary>
public sealed class LedgerDatabaseInitializer(ReplicationSetup setup, TimeProvider timeProvider, ILogger<LedgerDatabaseInitializer> logger)
    : StartupInitializer(timeProvider, logger)
{
    protected override string ReadyMessage => "Schema and replication are set up.";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => setup.RunAsync(cancellationToken);

    protected override bool IsTransient(Exception exception) =>
        exception is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException;
}
