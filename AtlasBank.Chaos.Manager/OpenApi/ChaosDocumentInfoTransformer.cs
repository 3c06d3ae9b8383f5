using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AtlasBank.Chaos.Manager.OpenApi;

/// <summary>What the API is, how to call it and who owns it, at the top of the document.</summary>
public sealed class ChaosDocumentInfoTransformer : IOpenApiDocumentTransformer
{
    /// <summary>The team that runs the chaos manager; add its mailbox or page here when it has one.</summary>
    public const string ContactName = "AtlasBank Chaos maintainers";

    public const string Description =
        "Controls chaos experiments (latency and failures) against AtlasBank services: enable, disable, inject, "
        + "statistics, the emergency stop, the halt, the hash-chained audit trail and the DR drill definitions. Every /chaos "
        + "and /drills endpoint needs an "
        + "API key, sent in the X-Api-Key header or as 'Authorization: Bearer <key>'; a key's role (viewer, operator, "
        + "admin) decides what it may do. Changes are rate limited per key (429 with Retry-After). Without Redis or the "
        + "audit database the API answers 503 with Retry-After and changes nothing. Errors are RFC 9457 problem details.";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info ??= new OpenApiInfo();
        document.Info.Description = Description;
        document.Info.Contact = new OpenApiContact { Name = ContactName };
        return Task.CompletedTask;
    }
}
