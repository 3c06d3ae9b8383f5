using Microsoft.Extensions.Options;
using Npgsql;

namespace AtlasBank.LedgerDr.Dr;

/// <summary>
/// Reads where DR stands against the primary and judges it (<see cref="ReplicationHealthRule"/>). Every query is
/// bounded by <see cref="ReplicationHealthOptions.QueryTimeout"/>; a slow database is a <see cref="TimeoutException"/>.
/// </summary>
public sealed class ReplicationStatusReader(
    NpgsqlDataSource dataSource,
    IServiceProvider services,
    IOptions<LedgerOptions> ledgerOptions,
    IOptions<ReplicationOptions> replicationOptions,
    IOptions<ReplicationHealthOptions> healthOptions,
    ReplicationBehindTracker tracker,
    TimeProvider timeProvider)
{
    public async Task<DrStatus> ReadAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(healthOptions.Value.QueryTimeout);
        try
        {
            return await ReadAsync(cancellationToken, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The replication status was not read within {healthOptions.Value.QueryTimeout}.");
        }
    }

    private async Task<DrStatus> ReadAsync(CancellationToken cancellationToken, CancellationToken bounded)
    {
        var subscriptionName = replicationOptions.Value.SubscriptionName;
        var now = timeProvider.GetUtcNow();
        if (!ledgerOptions.Value.IsDr)
        {
            var primary = await ReadPublisherAsync(dataSource, subscriptionName, null, null, bounded);
            return new DrStatus("primary", null, false, false, null, null, null, null, null, true, primary.Lsn, primary.LagBytes, primary.ReplayLagMs, now);
        }

        await using var command = dataSource.CreateCommand("""
            SELECT s.subenabled,
                   (SELECT count(*)::int FROM pg_subscription_rel r WHERE r.srsubid = s.oid AND r.srsubstate <> 'r'),
                   st.received_lsn::text, st.latest_end_lsn::text, st.last_msg_receipt_time, st.latest_end_time
            FROM pg_subscription s
            LEFT JOIN pg_stat_subscription st ON st.subid = s.oid AND st.relid IS NULL
            WHERE s.subname = $1
            """);
        command.Parameters.Add(new() { Value = subscriptionName });
        await using var reader = await command.ExecuteReaderAsync(bounded);
        if (!await reader.ReadAsync(bounded))
        {
            return Judged(new DrStatus("dr", subscriptionName, false, false, null, null, null, null, null, false, null, null, null, now), false);
        }

        var enabled = reader.GetBoolean(0);
        var syncing = reader.GetInt32(1);
        var received = reader.IsDBNull(2) ? null : reader.GetString(2);
        var latestEnd = reader.IsDBNull(3) ? null : reader.GetString(3);
        DateTimeOffset? lastMessage = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4);
        DateTimeOffset? latestEndTime = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5);

        var publisher = services.GetRequiredKeyedService<NpgsqlDataSource>(ReplicationOptions.PublisherConnectionName);
        try
        {
            var position = await ReadPublisherAsync(publisher, subscriptionName, latestEnd, received, bounded);
            return Judged(new DrStatus("dr", subscriptionName, true, enabled, syncing, received, latestEnd, lastMessage, latestEndTime,
                true, position.Lsn, position.LagBytes, position.ReplayLagMs, now), position.AheadOfReceived);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // A DR drill is exactly when the primary may be gone: DR still reports what it knows.
            return Judged(new DrStatus("dr", subscriptionName, true, enabled, syncing, received, latestEnd, lastMessage, latestEndTime,
                false, null, null, null, now), false);
        }
    }

    private DrStatus Judged(DrStatus status, bool publisherAhead)
    {
        var behindSince = tracker.Observe(status.ReceivedLsn, publisherAhead, status.CheckedAt);
        var health = ReplicationHealthRule.Evaluate(status, behindSince, status.CheckedAt, healthOptions.Value);
        return status with { Healthy = health.Healthy, UnhealthyReason = health.UnhealthyReason };
    }

    private sealed record PublisherPosition(string Lsn, long? LagBytes, double? ReplayLagMs, bool AheadOfReceived);

    /// <summary>
    /// The primary's WAL position, how far the subscriber's confirmed position trails it, replay lag, and whether
    /// the primary has WAL past what DR received (true when DR received nothing).
    /// </summary>
    private static async Task<PublisherPosition> ReadPublisherAsync(
        NpgsqlDataSource publisher, string subscriptionName, string? subscriberLsn, string? receivedLsn, CancellationToken cancellationToken)
    {
        await using var command = publisher.CreateCommand("""
            SELECT pg_current_wal_lsn()::text,
                   CASE WHEN $2::pg_lsn IS NOT NULL
                        THEN greatest(pg_wal_lsn_diff(pg_current_wal_lsn(), $2::pg_lsn), 0)::bigint
                        ELSE (SELECT greatest(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn), 0)::bigint
                              FROM pg_replication_slots WHERE slot_name = $1)
                   END,
                   (SELECT extract(epoch FROM replay_lag) * 1000 FROM pg_stat_replication WHERE application_name = $1)::float8,
                   $3::pg_lsn IS NULL OR pg_current_wal_lsn() > $3::pg_lsn
            """);
        command.Parameters.Add(new() { Value = subscriptionName });
        command.Parameters.Add(new() { Value = (object?)subscriberLsn ?? DBNull.Value, DataTypeName = "text" });
        command.Parameters.Add(new() { Value = (object?)receivedLsn ?? DBNull.Value, DataTypeName = "text" });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new PublisherPosition(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1),
            reader.IsDBNull(2) ? null : reader.GetDouble(2), reader.GetBoolean(3));
    }
}
