using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AtlasBank.Chaos.Manager.OpenApi;

/// <summary>
/// An operation whose endpoint requires authorization (read from its metadata, so new endpoints are covered
/// without a list) requires an API key, by either scheme, and documents the 401 and 403 answers.
/// </summary>
public sealed class ApiKeySecurityOperationTransformer : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (!RequiresAuthorization(context.Description.ActionDescriptor.EndpointMetadata))
        {
            return;
        }

        var document = context.Document ?? throw new InvalidOperationException("The operation has no OpenAPI document.");

        // Two requirements, not one with two schemes: either way of presenting the key is enough.
        operation.Security ??= [];
        foreach (var scheme in new[] { ApiKeySecuritySchemesTransformer.ApiKeyScheme, ApiKeySecuritySchemesTransformer.BearerScheme })
        {
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, document)] = [] });
        }

        await ProblemResponses.AddAsync(operation, context, StatusCodes.Status401Unauthorized,
            "No API key, or not a valid one.", retryAfter: false, cancellationToken);
        await ProblemResponses.AddAsync(operation, context, StatusCodes.Status403Forbidden,
            "The key's role may not do this.", retryAfter: false, cancellationToken);
    }

    /// <summary>What the authorization middleware checks: any authorize data or policy, and no allow-anonymous.</summary>
    public static bool RequiresAuthorization(IList<object> metadata) =>
        metadata.Any(item => item is IAuthorizeData or AuthorizationPolicy)
        && !metadata.Any(item => item is IAllowAnonymous);
}
