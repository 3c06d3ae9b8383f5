using System.Security.Claims;
using System.Threading.RateLimiting;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Security;

/// <summary>API keys, roles and per-key rate limits (shared by every replica) for the chaos API, on ASP.NET Core's own machinery.</summary>
public static class SecurityServiceExtensions
{
    public static IServiceCollection AddChaosSecurity(this IServiceCollection services)
    {
        services.AddChaosApiKeys();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, DeniedAuditingResultHandler>();
        services.AddOptions<DenialAuditOptions>().BindConfiguration(DenialAuditOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DenialAggregator>();
        services.AddSupervisedLoop<DenialAggregator>();
        services.AddSingleton<KeylessRequestLimiter>();

        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = OnRejectedAsync;
            // Shared by every replica (Redis), so a key's limit holds however many managers answer.
            options.AddPolicy(RateLimitOptions.InjectPolicy, http =>
            {
                var (key, perSecond, _) = LimitsOf(http);
                return SharedPartition(http, RateLimitOptions.InjectPolicy, key, TimeSpan.FromSeconds(1), perSecond);
            });
            options.AddPolicy(RateLimitOptions.ChangePolicy, http =>
            {
                var (key, _, perMinute) = LimitsOf(http);
                return SharedPartition(http, RateLimitOptions.ChangePolicy, key, TimeSpan.FromMinutes(1), perMinute);
            });
        });
        return services;
    }

    public static WebApplication UseChaosSecurity(this WebApplication app)
    {
        app.UseMiddleware<KeylessRequestLimiter>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>One partition per key and limit: a key whose limit changes gets a new partition, not the old budget.</summary>
    private static RateLimitPartition<string> SharedPartition(HttpContext http, string policy, string key, TimeSpan window, int limit) =>
        RateLimitPartition.Get($"{key}/{limit}", _ => new SharedRateLimiter(
            http.RequestServices.GetRequiredService<IConnectionMultiplexer>(),
            ChaosRedisKeys.RateLimit(policy, key),
            window,
            limit,
            http.RequestServices.GetRequiredService<TimeProvider>(),
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger<SharedRateLimiter>()));

    private static (string Key, int InjectPerSecond, int ChangesPerMinute) LimitsOf(HttpContext http)
    {
        var limits = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var id = http.User.FindFirst(ApiKeyAuthenticationHandler.KeyIdClaim)?.Value;
        var entry = http.RequestServices.GetRequiredService<IOptionsMonitor<ApiKeyOptions>>().CurrentValue.Find(id);
        return (id ?? "anonymous", entry?.InjectPerSecond ?? limits.InjectPerSecond, entry?.ChangesPerMinute ?? limits.ChangesPerMinute);
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await AuditRecordFactory.CaptureBodyAsync(http);
        await http.RequestServices.GetRequiredService<AuditTrail>().RecordAsync(
            AuditRecordFactory.Record(http, StatusCodes.Status429TooManyRequests, "Rate limit."));

        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = $"Key '{http.User.FindFirst(ClaimTypes.Name)?.Value ?? "anonymous"}' is over its limit; retry after {http.Response.Headers.RetryAfter} s.",
            },
        });
    }
}
