using System.Threading.Channels;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// Moves spooled audit rows into the hash chain, oldest first, each exactly once: at once when this replica
/// spooled one, and every <see cref="AuditOptions.SpoolDrainInterval"/> for the rest (another replica's rows,
/// rows that waited while PostgreSQL was away). Poison — an entry that does not parse or whose MAC is not the audit
/// key's — is set aside (<see cref="AuditSpoolRejections"/>), never chained, never in the way of the rows after it.
/// </summary>
public sealed partial class AuditSpoolDrainer(
    AuditSpool spool,
    AuditStore store,
    AuditSpoolRejections rejections,
    IOptions<AuditOptions> options,
    TimeProvider timeProvider,
    ILogger<AuditSpoolDrainer> logger) : BackgroundService
{
    private const int BatchSize = 100;
    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Something was spooled: drain now rather than at the next interval.</summary>
    public void Signal() => _signals.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DrainAsync(stoppingToken);
            }
            catch (Exception ex) when (AuditTrail.IsUnavailable(ex) || ex is RedisException)
            {
                LogDrainPaused(ex.Message);
                store.DropIdleConnections();
            }

            using var interval = new CancellationTokenSource(options.Value.SpoolDrainInterval, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, interval.Token);
            try
            {
                await _signals.Reader.ReadAsync(linked.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The interval passed: drain anyway.
            }
        }
    }

    /// <summary>Chains what the spool holds until it is empty; stops at the first entry that cannot be chained, so order holds.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var batch = await spool.ReadOldestAsync(BatchSize);
            foreach (var entry in batch)
            {
                if (entry.Row is not { } spooled)
                {
                    // Removed from the spool by the same transaction.
                    await rejections.RejectAsync(entry);
                    continue;
                }

                if (await store.AppendOnceAsync(spooled.Record, spooled.HappenedAt, spooled.RowKey, cancellationToken))
                {
                    LogChained(spooled.Record.Operation, spooled.HappenedAt, spooled.RowKey);
                }

                await spool.RemoveAsync(entry.StreamId);
            }

            if (batch.Count < BatchSize)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Spooled audit row chained: {Operation} at {HappenedAt:O} (row {RowKey}).")]
    private partial void LogChained(string operation, DateTimeOffset happenedAt, string rowKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit spool not drained ({Reason}); its rows wait in Redis and are chained when the audit database is back.")]
    private partial void LogDrainPaused(string reason);
}
