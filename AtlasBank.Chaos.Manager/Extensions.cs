using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Chaos;
using AtlasBank.Chaos.Manager.Safety;
using AtlasBank.Chaos.Manager.Security;
using AtlasBank.Chaos.Manager.Infrastructure;
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
        builder.Services.AddSingleton<ChaosInjector>();
        builder.Services.AddSingleton<ChaosManagerMetrics>();
        builder.Services.AddSingleton<ChaosServices>();
        builder.Services.AddHostedService<ChaosStatsRefresher>();
        builder.Services.AddExceptionHandler<RedisUnavailableExceptionHandler>();

        builder.Services.AddChaosSecurity();
        builder.Services.AddSingleton<AuditStore>();
        builder.Services.AddSingleton<AuditFilter>();
        builder.Services.AddSingleton<AuditInitializer>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<AuditInitializer>());
        builder.Services.AddHealthChecks().AddCheck<AuditInitializer>("audit-ready");
        builder.Services.AddOptions<AutoDisableOptions>().BindConfiguration(AutoDisableOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<AutoDisableMonitor>();

        // The probe applies chaos and retries itself (ChaosInjector): no standard resilience on top, or its
        // retries would hide the very faults the probe reports. The API is marked experimental; it is the
        // documented way to opt one client out of ConfigureHttpClientDefaults.
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient(ChaosInjector.ProbeClientName).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

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
        app.MapChaosApi();
        app.MapPrometheusScrapingEndpoint();
        return app;
    }
}
