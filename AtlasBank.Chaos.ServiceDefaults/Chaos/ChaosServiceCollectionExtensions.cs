using AtlasBank.Chaos.ServiceDefaults.Chaos;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class ChaosServiceCollectionExtensions
{
    /// <summary>Registers the chaos cache, its Redis synchroniser and the handler every HttpClient gets.</summary>
    public static IServiceCollection AddChaosInjection(this IServiceCollection services)
    {
        services.AddOptions<ChaosOptions>()
            .BindConfiguration(ChaosOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(ChaosRandomizer.Shared);
        // Built from the options monitor, so Chaos:Enabled can be flipped at run time.
        services.TryAddSingleton(provider => new ChaosStateCache(
            provider.GetRequiredService<IOptionsMonitor<ChaosOptions>>(), provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ChaosPipelineProvider>();
        services.TryAddSingleton<ChaosClientMetrics>();
        services.TryAddSingleton<ChaosHealthCounters>();
        services.TryAddTransient<ChaosHandler>();
        services.AddSupervisedLoop<ChaosStateSynchronizer>();
        return services;
    }

    public static IHttpClientBuilder AddChaosHandler(this IHttpClientBuilder builder) =>
        builder.AddHttpMessageHandler<ChaosHandler>();
}
