using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// The one writer of audit rows, with one rule per kind of operation:
/// <list type="bullet">
/// <item>starting chaos fails closed: <see cref="EnsureWritableAsync"/> before anything changes, then the row is
/// chained directly (or spooled, should the database fail in between);</item>
/// <item>everything else — stopping chaos, reads, denials — is spooled in Redis and chained by the
/// <see cref="AuditSpoolDrainer"/>, so it never waits on PostgreSQL and is never lost while PostgreSQL is away.</item>
/// </list>
/// No request holds the chain's lock or a database connection while it reads a body or waits on Redis.
/// </summary>
public sealed partial class AuditTrail(
    AuditStore store,
    AuditSpool spool,
    AuditSpoolDrainer drainer,
    IOptions<AuditOptions> options,
    TimeProvider timeProvider,
    ILogger<AuditTrail> logger)
{
    /// <summary>Throws (<see cref="IsUnavailable"/>) when a row could not be chained now; never waits beyond its bound.</summary>
    public async Task EnsureWritableAsync(CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(options.Value.StartCheckTimeout);
        try
        {
            await store.ProbeAsync(bound.Token).WaitAsync(options.Value.StartCheckTimeout, timeProvider, cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The audit database did not answer within {options.Value.StartCheckTimeout.TotalSeconds:0.#} s.");
        }
    }

    /// <summary>A change that started chaos: chained now, or spooled if the database failed since the check.</summary>
    public async Task RecordStartAsync(AuditRecord record)
    {
        var happenedAt = timeProvider.GetUtcNow();
        var rowKey = NewRowKey();
        try
        {
            using var bound = new CancellationTokenSource(options.Value.StartCheckTimeout, timeProvider);
            await store.AppendAsync(record, happenedAt, rowKey, bound.Token);
        }
        catch (Exception ex) when (IsUnavailable(ex) || ex is OperationCanceledException)
        {
            // Same key: should the direct append have committed after all, the drainer finds it and adds nothing.
            LogStartSpooled(record.Operation, ex.Message);
            store.DropIdleConnections();
            await SpoolAsync(record, happenedAt, rowKey);
        }
    }

    /// <summary>Anything else: spooled, chained within moments while PostgreSQL is up, later when it is not.</summary>
    public Task RecordAsync(AuditRecord record) => SpoolAsync(record, timeProvider.GetUtcNow(), NewRowKey());

    public static bool IsUnavailable(Exception exception) => exception is NpgsqlException or TimeoutException;

    private static string NewRowKey() => Guid.CreateVersion7().ToString("N");

    private async Task SpoolAsync(AuditRecord record, DateTimeOffset happenedAt, string rowKey)
    {
        try
        {
            await spool.AppendAsync(record, happenedAt, rowKey);
            drainer.Signal();
        }
        catch (RedisException ex)
        {
            // Redis is where chaos state lives: without it the operation itself has failed or changed nothing.
            LogNotAudited(record.Operation, record.StatusCode, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Operation} was applied and its audit row spooled: the audit database failed after the start check ({Reason}).")]
    private partial void LogStartSpooled(string operation, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Operation} ({Status}) was not audited: neither the audit database nor Redis could take the row ({Reason}).")]
    private partial void LogNotAudited(string operation, int status, string reason);
}
