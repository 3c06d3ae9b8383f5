using AtlasBank.Chaos.ServiceDefaults.Security;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AtlasBank.Chaos.Manager.OpenApi;

/// <summary>
/// Declares the two ways to present an API key (see <see cref="ApiKeyAuthenticationHandler"/>): the
/// <c>X-Api-Key</c> header or <c>Authorization: Bearer</c>. Operations refer to them by these names.
/// </summary>
public sealed class ApiKeySecuritySchemesTransformer : IOpenApiDocumentTransformer
{
    public const string ApiKeyScheme = "ApiKey";
    public const string BearerScheme = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        // AddComponent also registers the scheme in the document's workspace, so the operations' references resolve.
        document.AddComponent<IOpenApiSecurityScheme>(ApiKeyScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.HeaderName,
            Description = $"An API key in the {ApiKeyAuthenticationHandler.HeaderName} header.",
        });
        document.AddComponent<IOpenApiSecurityScheme>(BearerScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The same API key as 'Authorization: Bearer <key>'.",
        });
        return Task.CompletedTask;
    }
}
