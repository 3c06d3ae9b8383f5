using AtlasBank.Chaos.Agent.Shadow;
using AtlasBank.Chaos.Contracts.Shadow;
using AtlasBank.Chaos.ServiceDefaults.Hosting;
using AtlasBank.Chaos.ServiceDefaults.Shadow;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Microsoft.Extensions.Hosting;

public static class ChaosAgentServiceExtensions
{
    /// <summary>Shadow traffic: samples from Redis, replayed against DR, compared, stored back in Redis.</summary>
    public static IHostApplicationBuilder AddChaosAgentServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis", configureOptions: RedisReconnection.Apply);
        // The agent's API serves account data: the same keys and roles as the manager (viewer to read).
        builder.Services.AddChaosApiKeys();

        builder.Services.AddShadowOptions();
        builder.Services.TryAddSingleton(ShadowSampler.Shared);

        // One honest call per comparison: retries would hide DR errors, so no standard handler on these clients.
#pragma warning disable EXTEXP0001 // the documented way to opt one client out of ConfigureHttpClientDefaults
        builder.Services.AddHttpClient(ShadowReplayer.SourceClient, (provider, client) => ConfigureReplayClient(client, provider.GetRequiredService<IOptions<ShadowOptions>>().Value.Source))
            .RemoveAllResilienceHandlers();
        builder.Services.AddHttpClient(ShadowReplayer.DestinationClient, (provider, client) => ConfigureReplayClient(client, provider.GetRequiredService<IOptions<ShadowOptions>>().Value.Destination))
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        builder.Services.AddSingleton<ShadowReplayer>();
        builder.Services.AddSingleton<ShadowStore>();
        builder.Services.AddSingleton<ShadowMetrics>();
        builder.Services.AddSingleton<ShadowWorker>();
        builder.Services.AddSupervisedLoop<ShadowWorker>();
        builder.Services.AddSingleton<DriftValidator>();
        builder.Services.AddSupervisedLoop<DriftValidator>();
        builder.Services.AddHealthChecks().AddCheck<ShadowWorker>("shadow-worker");

        builder.Services.Configure<JsonOptions>(options => options.SerializerOptions.PropertyNamingPolicy = null);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddPrometheusExporter());
        return builder;
    }

    public static WebApplication MapChaosAgentEndpoints(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapShadowApi();
        app.MapPrometheusScrapingEndpoint();
        return app;
    }

    private static void ConfigureReplayClient(HttpClient client, string address)
    {
        client.BaseAddress = ShadowOptions.ToUri(address);
        client.DefaultRequestHeaders.Add(ShadowHeaders.Replay, "1");
    }
}
