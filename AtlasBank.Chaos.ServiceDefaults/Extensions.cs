using AtlasBank.Chaos.ServiceDefaults;
using AtlasBank.Chaos.ServiceDefaults.Errors;
using AtlasBank.Chaos.ServiceDefaults.Hosting;
using AtlasBank.Chaos.ServiceDefaults.Replicas;
using AtlasBank.Chaos.ServiceDefaults.Resilience;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Cross-cutting defaults every AtlasBank.Chaos service gets: telemetry, health endpoints, service discovery
/// and resilient HttpClients.
/// </summary>
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";
    private const string LiveTag = "live";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddBasicServiceDefaults();

        builder.Services.AddServiceDiscovery();
        builder.Services.AddChaosInjection();
        builder.Services.AddDrRouting();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Order matters: the active region is chosen inside the standard handler (each retry goes where the
            // routing points then), before chaos and service discovery (both see the real service, e.g. ledgerapi-dr);
            // chaos inside the standard handler (its retries see injected faults) and outside service discovery.
            http.AddStandardResilienceHandler(options => options.Retry.ShouldHandle = SafeToRetry.ShouldHandle);
            http.AddActiveRegionHandler();
            http.AddChaosHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary>Telemetry and health checks only, for hosts that make no outgoing HTTP calls.</summary>
    public static TBuilder AddBasicServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ThreadPoolFloor.Apply();
        builder.Services.TryAddSingleton<DeadLetters>();
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddSingleton(TimeProvider.System);

        // Every error leaves as ProblemDetails; binding errors name the field instead of surfacing as a 500.
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter([.. TelemetryNames.Meters]);
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(builder.Environment.ApplicationName)
                    .AddAspNetCoreInstrumentation(options =>
                        // Health probes would drown the traces that matter.
                        options.Filter = context =>
                            !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                            && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                    .AddHttpClientInstrumentation();
            });

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>The middleware half of the defaults: ProblemDetails for exceptions and bare status codes.</summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        // Which replica answered: behind one address, two replicas must be told apart (tests, an SRE's curl -i).
        app.Use((context, next) =>
        {
            context.Response.Headers[ServiceInstance.Header] = ServiceInstance.Name;
            return next(context);
        });
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check must pass: the service can do its job) and <c>/alive</c> (the process
    /// answers). Both stay mapped outside Development: orchestrators and the spec's operators probe them.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(LiveTag),
        });
        return app;
    }
}
