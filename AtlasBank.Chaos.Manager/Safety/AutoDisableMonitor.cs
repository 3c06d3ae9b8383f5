using System.Diagnostics.Metrics;
using AtlasBank.Chaos.Contracts;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Chaos;
using AtlasBank.Chaos.ServiceDefaults;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Safety;

/// <summary>
/// Every check interval, one manager replica looks at each active experiment's organic failures over the
/// window and disables the experiment when they pass the threshold — on record in the audit and the log, and
/// counted in <c>chaos_auto_disabled_total</c>.
/// </summary>
public sealed partial class AutoDisableMonitor : BackgroundService
{
    private readonly ChaosStore _store;
    private readonly AuditTrail _audit;
    private readonly IConnectionMultiplexer _redis;
    private readonly IOptions<AutoDisableOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<AutoDisableMonitor> _logger;
    private readonly Counter<long> _disabled;
    private readonly Counter<long> _evaluated;

    public AutoDisableMonitor(ChaosStore store, AuditTrail audit, IConnectionMultiplexer redis, IOptions<AutoDisableOptions> options, TimeProvider timeProvider,
        IMeterFactory meterFactory, ChaosTargetAllowlist targets, ILogger<AutoDisableMonitor> logger)
    {
        (_store, _audit, _redis, _options, _timeProvider, _logger) = (store, audit, redis, options, timeProvider, logger);
        var meter = meterFactory.Create(TelemetryNames.ChaosMeter);
        _disabled = meter.CreateCounter<long>("chaos_auto_disabled_total", description: "Experiments the circuit breaker switched off, by service.");
        _evaluated = meter.CreateCounter<long>("chaos_auto_disable_evaluations_total", description: "Times the circuit breaker weighed an active experiment's organic failures.");
        // From zero for every known service, so increase() sees the first auto-disable after a restart.
        foreach (var service in targets.KnownServices)
        {
            _disabled.Add(0, new KeyValuePair<string, object?>("service", service));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = _options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(settings.CheckInterval, _timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (await RedisLeaderLease.TryAcquireAsync(_redis.GetDatabase(), ChaosRedisKeys.Lease("auto-disable"), settings.CheckInterval * 0.9))
                {
                    await CheckAsync(settings, stoppingToken);
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or NpgsqlException)
            {
                LogCheckFailed(ex.Message);
            }
        }
    }

    private async Task CheckAsync(AutoDisableOptions settings, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        foreach (var experiment in await _store.ListAsync())
        {
            var since = experiment.EnabledAt > now - settings.Window ? experiment.EnabledAt : now - settings.Window;
            var (calls, failures) = await _store.HealthSinceAsync(experiment.Service, since, now);
            _evaluated.Add(1, new KeyValuePair<string, object?>("service", experiment.Service));
            if (calls < settings.MinimumCalls || (double)failures / calls <= settings.FailureRatio)
            {
                continue;
            }

            var reason = $"{failures} of {calls} calls failed on their own (not injected) in the last {settings.Window.TotalSeconds:0} s; threshold {settings.FailureRatio:P0}.";
            // Redis first, the audit row through the spool: the circuit breaker never waits on the audit database.
            var disabled = await _store.DisableAsync([experiment.Service]);
            await _audit.RecordAsync(new AuditRecord("system", "system", "AutoDisable", experiment.Service,
                $$"""{"ExperimentId":"{{experiment.ExperimentId}}"}""", null, disabled.Count == 1 ? 200 : 404, reason));
            if (disabled.Count == 1)
            {
                _disabled.Add(1, new KeyValuePair<string, object?>("service", experiment.Service));
                LogAutoDisabled(experiment.Service, experiment.ExperimentId, reason);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chaos auto-disabled for {Service} (experiment {ExperimentId}): {Reason}")]
    private partial void LogAutoDisabled(string service, string experimentId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auto-disable check skipped: {Reason}")]
    private partial void LogCheckFailed(string reason);
}
