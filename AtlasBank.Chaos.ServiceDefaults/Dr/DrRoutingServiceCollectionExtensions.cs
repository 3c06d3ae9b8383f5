using AtlasBank.Chaos.ServiceDefaults.Dr;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class DrRoutingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the routing cache, its Redis synchroniser (on the chaos Redis connection, <c>Chaos:RedisConnectionName</c>)
    /// and the handler that sends <c>http://ledger</c> to the active region.
    /// </summary>
    public static IServiceCollection AddDrRouting(this IServiceCollection services)
    {
        services.AddOptions<DrRoutingOptions>()
            .BindConfiguration(DrRoutingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DrRoutingCache>();
        services.TryAddTransient<ActiveRegionHandler>();
        services.AddSupervisedLoop<DrRoutingSynchronizer>();
        return services;
    }

    public static IHttpClientBuilder AddActiveRegionHandler(this IHttpClientBuilder builder) =>
        builder.AddHttpMessageHandler<ActiveRegionHandler>();
}
