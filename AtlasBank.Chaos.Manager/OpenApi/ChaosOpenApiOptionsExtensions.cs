using AtlasBank.Chaos.Manager.OpenApi;
using Microsoft.AspNetCore.OpenApi;

namespace Microsoft.Extensions.DependencyInjection;

public static class ChaosOpenApiOptionsExtensions
{
    /// <summary>The manager's document: description and contact, the API-key schemes, and per operation the
    /// security and error answers its endpoint metadata implies.</summary>
    public static OpenApiOptions AddChaosManagerTransformers(this OpenApiOptions options) => options
        .AddDocumentTransformer<ChaosDocumentInfoTransformer>()
        .AddDocumentTransformer<ServerUrlTransformer>()
        .AddDocumentTransformer<ApiKeySecuritySchemesTransformer>()
        .AddOperationTransformer<ApiKeySecurityOperationTransformer>()
        .AddOperationTransformer<RateLimitedOperationTransformer>()
        .AddOperationTransformer<DependencyUnavailableOperationTransformer>();
}
