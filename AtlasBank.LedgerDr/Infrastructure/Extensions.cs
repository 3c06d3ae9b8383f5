using System.Text.Json.Serialization;
using AtlasBank.Chaos.ServiceDefaults.Hosting;
using AtlasBank.Chaos.ServiceDefaults.Shadow;
using AtlasBank.LedgerDr.Infrastructure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Microsoft.Extensions.Hosting;

public static class LedgerServiceExtensions
{
    public static IHostApplicationBuilder AddLedgerServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LedgerOptions>()
            .BindConfiguration(LedgerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<ReplicationOptions>()
            .BindConfiguration(ReplicationOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<ReplicationHealthOptions>()
            .BindConfiguration(ReplicationHealthOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LedgerOptions>, DrNeedsPublisherValidation>();

        builder.AddNpgsqlDataSource(LedgerOptions.DatabaseConnectionName);
        if (builder.Configuration.GetConnectionString(ReplicationOptions.PublisherConnectionName) is { Length: > 0 })
        {
            // DR must stay healthy while the primary is down (that is what a drill tests): no health check on it.
            builder.AddKeyedNpgsqlDataSource(ReplicationOptions.PublisherConnectionName, settings => settings.DisableHealthChecks = true);
        }

        builder.Services.AddSingleton<LedgerStore>();
        // Writes pass only where the routing (ServiceDefaults' DrRoutingCache) names this ledger's region active.
        builder.Services.AddSingleton<ActiveRegionWriteGate>();
        builder.Services.AddSingleton<ReplicationBehindTracker>();
        builder.Services.AddSingleton<ReplicationStatusReader>();
        builder.Services.AddSingleton<LedgerDatabaseInitializer>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<LedgerDatabaseInitializer>());
        builder.Services.AddHealthChecks().AddCheck<LedgerDatabaseInitializer>("ledger-database-ready");
        // Before the generic one: a fenced region's refusals are 503s with their own reason.
        builder.Services.AddExceptionHandler<FencedDatabaseExceptionHandler>();
        builder.Services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();

        builder.AddReplicationMonitor();
        builder.AddShadowTap();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddPrometheusExporter());

        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));

        return builder;
    }

    /// <summary>
    /// DR polls its replication for the <c>dr_replication_*</c> gauges and a health check that is at worst
    /// Degraded, never Unhealthy: DR's readiness must not depend on the primary. The primary has nothing to poll.
    /// </summary>
    private static void AddReplicationMonitor(this IHostApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue<LedgerRole?>($"{LedgerOptions.SectionName}:{nameof(LedgerOptions.Role)}") != LedgerRole.Dr)
        {
            return;
        }

        builder.Services.AddSingleton<ReplicationMonitor>();
        builder.Services.AddSupervisedLoop<ReplicationMonitor>();
        builder.Services.AddHealthChecks().AddCheck<ReplicationMonitor>(ReplicationMonitor.HealthCheckName, tags: [ReplicationMonitor.HealthCheckName]);
    }

    /// <summary>
    /// The primary samples the requests it serves for the agent's DR comparison, when it has Redis. The DR
    /// ledger never samples: it is what the samples are compared against.
    /// </summary>
    private static void AddShadowTap(this IHostApplicationBuilder builder)
    {
        var isPrimary = builder.Configuration.GetValue<LedgerRole?>($"{LedgerOptions.SectionName}:{nameof(LedgerOptions.Role)}") == LedgerRole.Primary;
        if (!isPrimary || string.IsNullOrEmpty(builder.Configuration.GetConnectionString("redis")))
        {
            return;
        }

        builder.Services.AddShadowOptions();
        builder.Services.TryAddSingleton(ShadowSampler.Shared);

        // Shadowing must never make the ledger unhealthy: no health check on this Redis.
        builder.AddRedisClient("redis", settings => settings.DisableHealthChecks = true, RedisReconnection.Apply);
        builder.Services.AddSingleton<ShadowTap>();
        builder.Services.AddSupervisedLoop<ShadowSamplePublisher>();
    }

    /// <summary>A DR ledger without a way to reach the primary could never replicate: refuse to start.</summary>
    private sealed class DrNeedsPublisherValidation(IConfiguration configuration) : IValidateOptions<LedgerOptions>
    {
        public ValidateOptionsResult Validate(string? name, LedgerOptions options) =>
            options.IsDr && string.IsNullOrEmpty(configuration.GetConnectionString(ReplicationOptions.PublisherConnectionName))
                ? ValidateOptionsResult.Fail(
                    $"Ledger:Role is dr, so ConnectionStrings:{ReplicationOptions.PublisherConnectionName} (the primary's database) is required.")
                : ValidateOptionsResult.Success;
    }
}
