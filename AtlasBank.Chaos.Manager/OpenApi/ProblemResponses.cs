using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AtlasBank.Chaos.Manager.OpenApi;

/// <summary>Documents an error answer as RFC 9457 problem details, optionally with a Retry-After header.</summary>
internal static class ProblemResponses
{
    public const string ContentType = "application/problem+json";
    public const string SchemaId = nameof(ProblemDetails);
    public const string RetryAfterHeader = "Retry-After";

    /// <summary>Adds the response unless the endpoint already documents that status itself.</summary>
    public static async Task AddAsync(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description,
        bool retryAfter, CancellationToken cancellationToken)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        operation.Responses ??= [];
        if (operation.Responses.ContainsKey(key))
        {
            return;
        }

        var response = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ContentType] = new() { Schema = await ProblemDetailsSchemaAsync(context, cancellationToken) },
            },
        };
        if (retryAfter)
        {
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                [RetryAfterHeader] = new OpenApiHeader
                {
                    Description = "Seconds to wait before trying again.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
                },
            };
        }

        operation.Responses[key] = response;
    }

    /// <summary>One shared ProblemDetails schema in components, generated from the type like every other schema.</summary>
    private static async Task<IOpenApiSchema> ProblemDetailsSchemaAsync(OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document ?? throw new InvalidOperationException("The operation has no OpenAPI document.");
        if (document.Components?.Schemas?.ContainsKey(SchemaId) is not true)
        {
            document.AddComponent(SchemaId, await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken));
        }

        return new OpenApiSchemaReference(SchemaId, document);
    }
}
