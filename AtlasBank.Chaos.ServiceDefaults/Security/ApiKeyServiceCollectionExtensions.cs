using AtlasBank.Chaos.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class ApiKeyServiceCollectionExtensions
{
    /// <summary>
    /// The chaos API keys (hashes only, <c>ChaosManager:ApiKeys</c>, validated on start), their authentication
    /// scheme and the view / operate / administer policies: one definition for every service that takes them.
    /// </summary>
    public static IServiceCollection AddChaosApiKeys(this IServiceCollection services)
    {
        services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidation>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ChaosPolicies.View, policy => policy.RequireRole(ChaosRoles.Viewer, ChaosRoles.Operator, ChaosRoles.Admin))
            .AddPolicy(ChaosPolicies.Operate, policy => policy.RequireRole(ChaosRoles.Operator, ChaosRoles.Admin))
            .AddPolicy(ChaosPolicies.Administer, policy => policy.RequireRole(ChaosRoles.Admin));
        return services;
    }
}
