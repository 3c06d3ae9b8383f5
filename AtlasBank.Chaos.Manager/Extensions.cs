using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Chaos;
using AtlasBank.Chaos.Manager.Dr;
using AtlasBank.Chaos.Manager.Drills;
using AtlasBank.Chaos.Manager.Drills.Runs;
using AtlasBank.Chaos.Manager.Infrastructure;
using AtlasBank.Chaos.Manager.Safety;
using AtlasBank.Chaos.Manager.Security;
using AtlasBank.Chaos.ServiceDefaults.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Scalar.AspNetCore;

namespace Microsoft.Extensions.Hosting;

public static class ChaosManagerServiceExtensions
{
    /// <summary>Chaos state lives in Redis; the audit trail lives in PostgreSQL (chaosdb).</summary>
    public static IHostApplicationBuilder AddChaosManagerServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis", configureOptions: RedisReconnection.Apply);
        // Every wait on the audit database is short: a hung server must behave like a stopped one.
        var audit = builder.Configuration.GetSection(AuditOptions.SectionName).Get<AuditOptions>() ?? new AuditOptions();
        builder.AddNpgsqlDataSource("chaosdb", configureDataSourceBuilder: dataSource =>
        {
            dataSource.ConnectionStringBuilder.Timeout = Seconds(audit.ConnectTimeout);
            dataSource.ConnectionStringBuilder.CommandTimeout = Seconds(audit.CommandTimeout);
            dataSource.ConnectionStringBuilder.CancellationTimeout = (int)audit.CancellationTimeout.TotalMilliseconds;
        });

        builder.Services.AddOptions<ChaosManagerOptions>()
            .BindConfiguration(ChaosManagerOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(options => options.DefaultDurationSeconds <= options.MaxDurationSeconds,
                "ChaosManager:DefaultDurationSeconds must not exceed MaxDurationSeconds.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ChaosStore>();
        builder.Services.AddSingleton<ChaosTargetAllowlist>();
        builder.Services.AddSingleton<ChaosProbeClient>();
        builder.Services.AddSingleton<ChaosInjector>();
        builder.Services.AddSingleton<ChaosManagerMetrics>();
        builder.Services.AddSingleton<ChaosServices>();
        builder.Services.AddSupervisedLoop<ChaosStatsRefresher>();
        builder.Services.AddExceptionHandler<RedisUnavailableExceptionHandler>();

        builder.Services.AddChaosSecurity();
        builder.Services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuditOptions>, AuditKeyValidator>();
        builder.Services.AddSingleton<AuditMac>();
        builder.Services.AddSingleton<AuditChainHead>();
        builder.Services.AddSingleton<AuditStore>();
        builder.Services.AddSingleton<IAuditHeadReader>(provider => provider.GetRequiredService<AuditStore>());
        builder.Services.AddSingleton<IAuditAnchorLog, AuditAnchorStore>();
        builder.Services.AddSupervisedLoop<AuditAnchorer>();
        builder.Services.AddSingleton<AuditSpool>();
        builder.Services.AddSingleton<AuditSpoolRejections>();
        builder.Services.AddSingleton<AuditSpoolDrainer>();
        builder.Services.AddSupervisedLoop<AuditSpoolDrainer>();
        builder.Services.AddSingleton<AuditTrail>();
        builder.Services.AddExceptionHandler<AuditUnavailableExceptionHandler>();
        builder.Services.AddSingleton<AuditFilter>();
        builder.Services.AddSingleton<AuditInitializer>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<AuditInitializer>());
        builder.Services.AddHealthChecks().AddCheck<AuditInitializer>("audit-ready");
        builder.Services.AddDrillDefinitions();
        builder.AddDrillWorkload();
        builder.Services.AddDrillRuns();
        builder.AddDisasterRecovery();
        builder.Services.AddOptions<AutoDisableOptions>().BindConfiguration(AutoDisableOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSupervisedLoop<AutoDisableMonitor>();

        // The spec's fields are PascalCase; the API answers in the same casing.
        builder.Services.Configure<JsonOptions>(options => options.SerializerOptions.PropertyNamingPolicy = null);

        builder.Services.AddChaosManagerOpenApi();
        // No scrape cache: the kill switch, the halt and the counters show the moment they change. One Prometheus
        // scrapes each replica every few seconds, so the exporter's default 300 ms cache buys nothing.
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0));
        // Last: the metrics need the drill catalog, which DrillCatalogStartup has loaded (or reported bad) by then.
        builder.Services.AddHostedService<ManagerMetricsStartup>();
        return builder;
    }

    public static WebApplication MapChaosManagerEndpoints(this WebApplication app)
    {
        app.UseChaosSecurity();
        app.MapOpenApi();
        app.MapScalarApiReference();
        // Every /chaos endpoint needs a key and every call is audited; each feature's groups add their role,
        // rate limit and audit policy.
        var chaos = app.MapGroup("/chaos").WithTags("Chaos")
            .RequireAuthorization()
            .AddEndpointFilter<AuditFilter>();
        chaos.MapChaosApi();
        chaos.MapSafetyApi();
        chaos.MapAuditApi();
        // Drills run chaos: the same keys, roles and audit as /chaos.
        app.MapGroup("/drills").WithTags("Drills")
            .RequireAuthorization()
            .AddEndpointFilter<AuditFilter>()
            .MapDrillsApi()
            .MapDrillRunsApi();
        // Failover moves the bank's writes: the same keys, roles and audit again.
        app.MapGroup("/dr").WithTags("Disaster recovery")
            .RequireAuthorization()
            .AddEndpointFilter<AuditFilter>()
            .MapDrApi();
        app.MapPrometheusScrapingEndpoint();
        return app;
    }

    /// <summary>Npgsql takes whole seconds; anything shorter still waits one.</summary>
    private static int Seconds(TimeSpan timeout) => Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
}
