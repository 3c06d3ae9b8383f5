using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AtlasBank.Chaos.Manager.OpenApi;

/// <summary>
/// Server URLs come from the request's base address, which ends in '/'; paths start with '/', so the joined URL
/// would have '//' (Spectral's oas3-server-trailing-slash). The slash is dropped.
/// </summary>
public sealed class ServerUrlTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var server in document.Servers ?? [])
        {
            if (server.Url is { Length: > 1 } url && url.EndsWith('/'))
            {
                server.Url = url.TrimEnd('/');
            }
        }

        return Task.CompletedTask;
    }
}
