using AtlasBank.Chaos.ServiceDefaults.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

public static class SupervisedLoopServiceCollectionExtensions
{
    /// <summary>
    /// Runs <typeparamref name="TLoop"/> (a singleton, so others may read it) under a <see cref="SupervisedLoop{TLoop}"/>:
    /// a fault it does not contain restarts it after a backoff instead of stopping the process.
    /// </summary>
    public static IServiceCollection AddSupervisedLoop<TLoop>(this IServiceCollection services) where TLoop : BackgroundService
    {
        services.TryAddSingleton<LoopFailures>();
        services.TryAddSingleton<TLoop>();
        services.AddHostedService(provider =>
        {
            var failures = provider.GetRequiredService<LoopFailures>();
            failures.Register(typeof(TLoop).Name);
            return ActivatorUtilities.CreateInstance<SupervisedLoop<TLoop>>(provider, provider.GetRequiredService<TLoop>(), failures);
        });
        return services;
    }
}
