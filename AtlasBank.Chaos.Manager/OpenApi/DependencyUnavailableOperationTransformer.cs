using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AtlasBank.Chaos.Manager.OpenApi;

/// <summary>
/// Every documented operation but those served from memory (<see cref="ServedFromMemoryAttribute"/>) reads or changes chaos state in Redis, and every change is audited in PostgreSQL first:
/// when Redis, or for a change the audit database, is unreachable it answers 503 (see RedisUnavailableExceptionHandler
/// and AuditFilter) and nothing is changed.
/// </summary>
public sealed class DependencyUnavailableOperationTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken) =>
        context.Description.ActionDescriptor.EndpointMetadata.Any(item => item is ServedFromMemoryAttribute)
            ? Task.CompletedTask
            : ProblemResponses.AddAsync(operation, context, StatusCodes.Status503ServiceUnavailable,
            "Chaos state (Redis) or, for a change, the audit database is unreachable; nothing was changed. Retry later (Retry-After seconds).",
            retryAfter: true, cancellationToken);
}
