using System.Diagnostics.Metrics;
using AtlasBank.Chaos.Contracts.Shadow;
using AtlasBank.Chaos.ServiceDefaults;
using Npgsql;
using StackExchange.Redis;

namespace AtlasBank.LedgerDr.Shadow;

/// <summary>
/// Moves samples from the tap's queue to the Redis stream in batches, stamping each batch with the primary's
/// current WAL position (an upper bound of what each sample saw). Redis away: the batch is dropped and counted.
/// </summary>
public sealed partial class ShadowSamplePublisher(
    ShadowTap tap,
    IConnectionMultiplexer redis,
    NpgsqlDataSource dataSource,
    IMeterFactory meterFactory,
    ILogger<ShadowSamplePublisher> logger) : BackgroundService
{
    private const int MaxBatch = 200;

    private readonly Counter<long> _failures = meterFactory.Create(TelemetryNames.LedgerMeter).CreateCounter<long>(
        "shadow_publish_failures_total", description: "Shadow batches lost to an unexpected error; the publisher carried on.");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var keys = new ShadowRedisKeys(tap.Options.KeyPrefix);
        var batch = new List<ShadowSample>(MaxBatch);
        while (await tap.Samples.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && tap.TryTake(out var sample))
            {
                batch.Add(sample);
            }

            var dropped = tap.TakeDroppedSinceReport();
            try
            {
                var lsn = await CurrentLsnAsync(stoppingToken);
                var database = redis.GetDatabase();
                var writes = batch.Select(sample => (Task)database.StreamAddAsync(
                    keys.Samples, ShadowRedisKeys.SampleField, (sample with { PrimaryLsn = lsn }).ToJson(),
                    maxLength: tap.Options.MaxStreamLength, useApproximateMaxLength: true)).ToList();
                if (dropped > 0)
                {
                    writes.Add(database.StringIncrementAsync(keys.Dropped, dropped));
                }

                await Task.WhenAll(writes);
            }
            catch (Exception ex) when (ex is RedisException or NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                tap.ReturnUnreported(dropped);
                tap.RecordDropped(batch.Count);
                LogBatchDropped(batch.Count, ex.Message);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Shadowing is a side job: a throw out of ExecuteAsync would stop the ledger itself.
                tap.ReturnUnreported(dropped);
                tap.RecordDropped(batch.Count);
                _failures.Add(1);
                LogBatchFailed(ex, batch.Count);
            }
        }
    }

    private async Task<string> CurrentLsnAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT pg_current_wal_lsn()::text");
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "🌗 Dropped {Count} shadow samples: {Reason}")]
    private partial void LogBatchDropped(int count, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "🌗 Dropped {Count} shadow samples on an unexpected error; publishing continues")]
    private partial void LogBatchFailed(Exception exception, int count);
}
