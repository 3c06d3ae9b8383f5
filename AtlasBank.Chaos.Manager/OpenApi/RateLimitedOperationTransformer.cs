using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace AtlasBank.Chaos.Manager.OpenApi;

/// <summary>An operation whose endpoint is rate limited (read from its metadata) documents the 429 answer and its Retry-After.</summary>
public sealed class RateLimitedOperationTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken) =>
        IsRateLimited(context.Description.ActionDescriptor.EndpointMetadata)
            ? ProblemResponses.AddAsync(operation, context, StatusCodes.Status429TooManyRequests,
                "This key is over its rate limit; retry after the Retry-After seconds.", retryAfter: true, cancellationToken)
            : Task.CompletedTask;

    /// <summary>What the rate limiting middleware checks: a named policy, not switched off on the endpoint.</summary>
    public static bool IsRateLimited(IList<object> metadata) =>
        metadata.Any(item => item is EnableRateLimitingAttribute)
        && !metadata.Any(item => item is DisableRateLimitingAttribute);
}
