using AtlasBank.Chaos.Manager.OpenApi;

namespace Microsoft.Extensions.DependencyInjection;

public static class ChaosOpenApiServiceExtensions
{
    /// <summary>The manager's OpenAPI document: description and contact, the API-key schemes, and per operation the
    /// security and error answers its endpoint metadata implies. Tests build their documents through this too.</summary>
    public static IServiceCollection AddChaosManagerOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options
            .AddDocumentTransformer<ChaosDocumentInfoTransformer>()
            .AddDocumentTransformer<ServerUrlTransformer>()
            .AddDocumentTransformer<ApiKeySecuritySchemesTransformer>()
            .AddOperationTransformer<ApiKeySecurityOperationTransformer>()
            .AddOperationTransformer<RateLimitedOperationTransformer>()
            .AddOperationTransformer<DependencyUnavailableOperationTransformer>());
}
