using AtlasBank.Chaos.ServiceDefaults.Errors;
using Npgsql;

namespace AtlasBank.LedgerDr.Infrastructure;

/// <summary>
/// A ledger database that cannot be reached is a 503 the caller may retry. Idle pooled connections are dropped
/// then: after the server restarts they are all broken, and each would fail one more request.
/// </summary>
internal sealed class DatabaseUnavailableExceptionHandler(
    NpgsqlDataSource dataSource, IProblemDetailsService problemDetails, ILogger<DatabaseUnavailableExceptionHandler> logger)
    : DependencyUnavailableExceptionHandler(problemDetails, logger)
{
    protected override string Title => "The ledger database is unavailable.";

    protected override string Detail => "Nothing was changed. Retry later; writes with an Idempotency-Key are safe to retry.";

    protected override bool IsUnavailable(Exception exception) => exception is NpgsqlException { IsTransient: true } or TimeoutException;

    protected override void OnUnavailable(Exception exception) => dataSource.Clear();
}
