using AtlasBank.Chaos.ServiceDefaults.Errors;
using Npgsql;

namespace AtlasBank.LedgerDr.Infrastructure;

/// <summary>
/// A write the region's database refuses — its write grant revoked by a fence, or not yet given by a promotion, or a
/// read-only login — is a 503 the caller may retry, never a 500: the routing is moving or about to.
/// </summary>
internal sealed class DatabaseRefusesWritesExceptionHandler(
    IProblemDetailsService problemDetails, ILogger<DatabaseRefusesWritesExceptionHandler> logger)
    : DependencyUnavailableExceptionHandler(problemDetails, logger)
{
    protected override string Title => "This region's ledger database does not take writes.";

    protected override string Detail =>
        "Its database is fenced or not yet promoted. Nothing was changed. Retry later; writes with an Idempotency-Key are safe to retry.";

    protected override bool IsUnavailable(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.ReadOnlySqlTransaction or PostgresErrorCodes.InsufficientPrivilege };
}
