using AtlasBank.Chaos.Contracts.Shadow;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Agent.Shadow;

/// <summary>
/// Reads samples from the Redis stream as one consumer of the agents' group — replicas share the samples,
/// none is compared twice — replays each against DR, stores the comparison and acknowledges it. Samples a
/// dead replica had taken are claimed after a minute. Reports its own health.
/// </summary>
public sealed partial class ShadowWorker(
    IConnectionMultiplexer redis,
    ShadowReplayer replayer,
    ShadowStore store,
    ShadowMetrics metrics,
    IOptions<ShadowOptions> options,
    TimeProvider timeProvider,
    ILogger<ShadowWorker> logger) : BackgroundService, IHealthCheck
{
    private static readonly TimeSpan ClaimIdle = TimeSpan.FromMinutes(1);
    private readonly string _consumer = $"{Environment.MachineName}-{Environment.ProcessId}";
    private long _processed;
    private volatile string? _lastError;

    /// <summary>Comparisons this replica has made since it started.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var keys = store.Keys;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await EnsureGroupAsync(keys);
                var database = redis.GetDatabase();
                var claimed = await database.StreamAutoClaimAsync(keys.Samples, settings.ConsumerGroup, _consumer, (long)ClaimIdle.TotalMilliseconds, "0-0", settings.BatchSize);
                var entries = claimed.ClaimedEntries.Length > 0
                    ? claimed.ClaimedEntries
                    : await database.StreamReadGroupAsync(keys.Samples, settings.ConsumerGroup, _consumer, StreamPosition.NewMessages, settings.BatchSize);
                _lastError = null;
                if (entries.Length == 0)
                {
                    await Task.Delay(settings.PollInterval, timeProvider, stoppingToken);
                    continue;
                }

                await Parallel.ForEachAsync(entries, new ParallelOptions { MaxDegreeOfParallelism = settings.MaxConcurrency, CancellationToken = stoppingToken },
                    async (entry, token) => await ProcessAsync(entry, token));
                await database.StreamAcknowledgeAsync(keys.Samples, settings.ConsumerGroup, [.. entries.Select(entry => entry.Id)]);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                _lastError = ex.Message;
                LogRedisProblem(ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), timeProvider, stoppingToken);
            }
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(ExecuteTask is { IsFaulted: true }
            ? HealthCheckResult.Unhealthy("The shadow worker stopped.", ExecuteTask.Exception)
            : _lastError is { } error
                ? HealthCheckResult.Degraded($"Shadow samples cannot be read: {error}")
                : HealthCheckResult.Healthy($"{Processed} comparisons made."));

    private async Task ProcessAsync(StreamEntry entry, CancellationToken cancellationToken)
    {
        if (entry[ShadowRedisKeys.SampleField] is not { HasValue: true } value || ShadowSample.FromJson(value.ToString()) is not { } sample)
        {
            return; // malformed: acknowledged and skipped
        }

        var comparison = await replayer.CompareAsync(sample, cancellationToken);
        await store.SaveAsync(comparison);
        metrics.Compared(comparison);
        Interlocked.Increment(ref _processed);
        if (comparison.Verdict == Verdicts.Match)
        {
            LogMatch(comparison.Method, comparison.Path);
        }
        else if (logger.IsEnabled(LogLevel.Information))
        {
            var paths = string.Join(", ", comparison.Differences.Select(d => d.Path));
            LogVerdict(comparison.Verdict, comparison.Method, comparison.Path, paths, comparison.Error);
        }
    }

    private async Task EnsureGroupAsync(ShadowRedisKeys keys)
    {
        try
        {
            await redis.GetDatabase().StreamCreateConsumerGroupAsync(keys.Samples, options.Value.ConsumerGroup, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group exists: another replica or an earlier run made it.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "🌗 match {Method} {Path}")]
    private partial void LogMatch(string method, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "🌗 {Verdict} {Method} {Path} differing: [{Paths}] {Error}")]
    private partial void LogVerdict(string verdict, string method, string path, string paths, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "🌗 Shadow samples cannot be read from Redis: {Reason}")]
    private partial void LogRedisProblem(string reason);
}
