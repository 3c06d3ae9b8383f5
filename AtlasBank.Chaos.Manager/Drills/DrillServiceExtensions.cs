using AtlasBank.Chaos.Manager.Chaos;
using AtlasBank.Chaos.Manager.Drills;
using AtlasBank.Chaos.Manager.Drills.Runs;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class DrillServiceExtensions
{
    /// <summary>
    /// The drill definitions: <see cref="DrillOptions"/> validated on start, then the built-ins and the operator's
    /// folder loaded and validated on start (<see cref="DrillCatalogStartup"/>). Needs the chaos API's options and
    /// target allowlist, which the definitions' bodies and probes are checked against.
    /// </summary>
    public static IServiceCollection AddDrillDefinitions(this IServiceCollection services)
    {
        services.AddOptions<DrillOptions>().BindConfiguration(DrillOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<DrillOptions>>().Value;
            var rules = new DrillRules(
                provider.GetRequiredService<IOptions<ChaosManagerOptions>>().Value,
                provider.GetRequiredService<ChaosTargetAllowlist>(),
                options);
            string[] folders = string.IsNullOrWhiteSpace(options.Folder)
                ? [DrillCatalog.BuiltInFolder]
                : [DrillCatalog.BuiltInFolder, Path.GetFullPath(options.Folder)];
            return DrillLoader.Load(folders, rules);
        });
        services.AddHostedService<DrillCatalogStartup>();
        return services;
    }

    /// <summary>
    /// Running drills: runs kept in <c>chaosdb</c> under leases, stopped through Redis, and the orphan reaper that
    /// rolls back the runs of a replica that died. Needs the definitions, the chaos store, the audit trail, the
    /// workload and the invariant checker.
    /// </summary>
    public static IServiceCollection AddDrillRuns(this IServiceCollection services)
    {
        services.AddSingleton<DrillInstance>();
        services.AddSingleton<DrillRunStore>();
        services.AddSingleton<DrillSignals>();
        services.AddSingleton<DrillMetrics>();
        services.AddSingleton<DrillStepRunner>();
        services.AddSingleton<DrillFailoverSteps>();
        services.AddSingleton<DrillProbeEvaluator>();
        services.AddSingleton<DrillRunner>();
        services.AddHostedService(provider => provider.GetRequiredService<DrillRunner>());
        services.AddSupervisedLoop<DrillOrphanReaper>();
        return services;
    }
}
