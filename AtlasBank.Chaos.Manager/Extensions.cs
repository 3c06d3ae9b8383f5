using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Chaos;
using AtlasBank.Chaos.Manager.Infrastructure;
using AtlasBank.Chaos.Manager.Safety;
using AtlasBank.Chaos.Manager.Security;
using Microsoft.AspNetCore.Http.Json;
using OpenTelemetry.Metrics;
using Scalar.AspNetCore;

namespace Microsoft.Extensions.Hosting;

public static class ChaosManagerServiceExtensions
{
    /// <summary>Chaos state lives in Redis; the audit trail lives in PostgreSQL (chaosdb).</summary>
    public static IHostApplicationBuilder AddChaosManagerServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis");
        builder.AddNpgsqlDataSource("chaosdb");

        builder.Services.AddOptions<ChaosManagerOptions>()
            .BindConfiguration(ChaosManagerOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(options => options.DefaultDurationSeconds <= options.MaxDurationSeconds,
                "ChaosManager:DefaultDurationSeconds must not exceed MaxDurationSeconds.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ChaosStore>();
        builder.Services.AddSingleton<ChaosProbeClient>();
        builder.Services.AddSingleton<ChaosInjector>();
        builder.Services.AddSingleton<ChaosManagerMetrics>();
        builder.Services.AddSingleton<ChaosServices>();
        builder.Services.AddHostedService<ChaosStatsRefresher>();
        builder.Services.AddExceptionHandler<RedisUnavailableExceptionHandler>();

        builder.Services.AddChaosSecurity();
        builder.Services.AddSingleton<AuditStore>();
        builder.Services.AddSingleton<AuditTrail>();
        builder.Services.AddSingleton<AuditFilter>();
        builder.Services.AddSingleton<AuditInitializer>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<AuditInitializer>());
        builder.Services.AddHealthChecks().AddCheck<AuditInitializer>("audit-ready");
        builder.Services.AddOptions<AutoDisableOptions>().BindConfiguration(AutoDisableOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<AutoDisableMonitor>();

        // The spec's fields are PascalCase; the API answers in the same casing.
        builder.Services.Configure<JsonOptions>(options => options.SerializerOptions.PropertyNamingPolicy = null);

        builder.Services.AddChaosManagerOpenApi();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddPrometheusExporter());
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
        app.MapPrometheusScrapingEndpoint();
        return app;
    }
}
