using AtlasBank.Chaos.ServiceDefaults.Errors;
using Npgsql;

namespace AtlasBank.LedgerDr.Infrastructure;

/// <summary>
/// A region that is not the writer refuses writes in its database: the ledger's login is no longer a member of the
/// writer role (insufficient_privilege), a transaction is read-only (read_only_sql_transaction), or the failover's
/// fence ended the session mid-request (admin_shutdown). Each is a 503 the caller may retry — against the region
/// that writes now — never a 500. The fence ends every pooled session at once: the pool is dropped.
/// </summary>
internal sealed class FencedDatabaseExceptionHandler(
    NpgsqlDataSource dataSource, IProblemDetailsService problemDetails, ILogger<FencedDatabaseExceptionHandler> logger)
    : DependencyUnavailableExceptionHandler(problemDetails, logger)
{
    protected override string Title => "This region's ledger database does not take writes.";

    protected override string Detail =>
        "The write was not acknowledged: this region is not the writer (a failover or failback moved or is moving the " +
        "ledger). Retry later with the same Idempotency-Key: the transfer is posted at most once.";

    protected override bool IsUnavailable(Exception exception) => exception is PostgresException
    {
        SqlState: PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ReadOnlySqlTransaction or PostgresErrorCodes.AdminShutdown,
    };

    protected override void OnUnavailable(Exception exception)
    {
        if (exception is PostgresException { SqlState: PostgresErrorCodes.AdminShutdown })
        {
            dataSource.Clear();
        }
    }
}
