using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// Anchors the chain head outside the audit table: in Redis with history (<see cref="IAuditAnchorLog"/>) and as an
/// <c>AUDIT_ANCHOR</c> log line. After every append (the row this replica chained), and every
/// <see cref="AuditOptions.AnchorInterval"/> the head as the table holds it (one replica per round). An anchor that
/// could not reach Redis is written at the next round; the log line is written either way.
/// </summary>
public sealed partial class AuditAnchorer(
    AuditChainHead head,
    IAuditHeadReader table,
    IAuditAnchorLog anchors,
    AuditMac mac,
    IOptions<AuditOptions> options,
    TimeProvider timeProvider,
    ILogger<AuditAnchorer> logger) : BackgroundService
{
    public const string AppendSource = "append";
    public const string IntervalSource = "interval";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.AnchorInterval;
        // Created before the first round, so no tick is lost while a round runs.
        using var timer = new PeriodicTimer(interval, timeProvider);
        var tick = Task.FromResult(true); // a round at start: whatever the last run left is anchored at once
        var signal = head.WaitAsync(stoppingToken);
        try
        {
            while (true)
            {
                await Task.WhenAny(tick, signal);
                if (signal.IsCompleted)
                {
                    await signal;
                    signal = head.WaitAsync(stoppingToken);
                    await AnchorPendingAsync();
                }

                if (tick.IsCompleted)
                {
                    if (!await tick)
                    {
                        return;
                    }

                    tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
                    await AnchorPendingAsync();
                    await AnchorTableHeadAsync(interval, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task AnchorPendingAsync()
    {
        if (head.TakePending() is not { } pending)
        {
            return;
        }

        try
        {
            await AnchorAsync(pending.Id, pending.Mac, AppendSource);
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            head.Return(pending);
            LogNotAnchored(pending.Id, ex.Message);
        }
    }

    private async Task AnchorTableHeadAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            if (!await anchors.TryLeadAsync(interval * 0.9) || await table.ReadHeadAsync(cancellationToken) is not { } row)
            {
                return;
            }

            // Never vouch for a head the key did not make: that would bless a rewritten tail.
            if (row.ChainVersion != AuditChainVersion.Keyed || !mac.IsValid(row))
            {
                LogHeadRefused(row.Id);
                return;
            }

            await AnchorAsync(row.Id, row.Hash, IntervalSource);
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            LogRoundFailed(ex.Message);
        }
    }

    private async Task AnchorAsync(long id, string rowMac, string source)
    {
        var anchor = mac.Anchor(id, rowMac, timeProvider.GetUtcNow());
        LogAnchor(anchor.Id, anchor.Mac, anchor.AtUnixMs, anchor.AnchorMac, source);
        await anchors.AddAsync(anchor);
    }

    private static bool IsTransient(Exception exception) =>
        exception is RedisException or TimeoutException or NpgsqlException;

    [LoggerMessage(Level = LogLevel.Information, Message = "AUDIT_ANCHOR id={AuditId} mac={Mac} at={AtUnixMs} anchor_mac={AnchorMac} source={Source}")]
    private partial void LogAnchor(long auditId, string mac, long atUnixMs, string anchorMac, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit row {AuditId} not anchored in Redis now ({Reason}); it is at the next round.")]
    private partial void LogNotAnchored(long auditId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit chain head was not anchored this round ({Reason}); the next round anchors it.")]
    private partial void LogRoundFailed(string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit row {AuditId}, the newest in the table, does not carry a valid MAC: not anchored. Run GET /chaos/audit/verify.")]
    private partial void LogHeadRefused(long auditId);
}
