using System.Globalization;
using System.Threading.RateLimiting;
using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Manager.Security;

/// <summary>
/// Requests to <c>/chaos</c> and <c>/drills</c> that present no key are limited per client address before any authentication,
/// database or Redis work (the per-key limits apply only once a key is known). Refusals are counted in the
/// <see cref="DenialAggregator"/>, never audited one by one.
/// </summary>
public sealed class KeylessRequestLimiter(IOptions<RateLimitOptions> limits, DenialAggregator denials) : IMiddleware, IDisposable
{
    private readonly PartitionedRateLimiter<HttpContext> _limiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
        RateLimitPartition.GetTokenBucketLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.Value.KeylessPerSecond,
            TokensPerPeriod = limits.Value.KeylessPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
        }));

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!(context.Request.Path.StartsWithSegments("/chaos") || context.Request.Path.StartsWithSegments("/drills")) || ApiKeyAuthenticationHandler.PresentedKey(context.Request) is not null)
        {
            await next(context);
            return;
        }

        using var lease = _limiter.AttemptAcquire(context);
        if (lease.IsAcquired)
        {
            await next(context);
            return;
        }

        denials.Count(context.Connection.RemoteIpAddress?.ToString(), StatusCodes.Status429TooManyRequests);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = "1";
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests without an API key.",
                Detail = string.Create(CultureInfo.InvariantCulture, $"This address is over {limits.Value.KeylessPerSecond} keyless requests a second; send a key (X-Api-Key or Authorization: Bearer)."),
            },
        });
    }

    public void Dispose() => _limiter.Dispose();
}
