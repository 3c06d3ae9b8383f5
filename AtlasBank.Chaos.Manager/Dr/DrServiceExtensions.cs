using AtlasBank.Chaos.Manager.Dr;

namespace Microsoft.Extensions.Hosting;

public static class DrServiceExtensions
{
    /// <summary>
    /// Failover and failback: the coordinators, the fence and its keeper, the detector, reconciliation through the
    /// logical ledger name, and the region databases as the DR controller role.
    /// </summary>
    public static IHostApplicationBuilder AddDisasterRecovery(this IHostApplicationBuilder builder)
    {
        builder.AddLedgerRegionDatabases();
        builder.Services.AddOptions<DrOptions>().BindConfiguration(DrOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<DrStateStore>();
        builder.Services.AddSingleton<DrMetrics>();
        builder.Services.AddSingleton<RegionLedgers>();
        builder.Services.AddSingleton<RegionFence>();
        builder.Services.AddSingleton<RegionFaultDetector>();
        builder.Services.AddSingleton<ReplicationModeReader>();
        builder.Services.AddSingleton<DrReplicationReader>();
        builder.Services.AddSingleton<StrandedReconciler>();
        builder.Services.AddSingleton<StrandedReconciliation>();
        builder.Services.AddSingleton<DrOutcomes>();
        builder.Services.AddSingleton<DrRoutingRecovery>();
        builder.Services.AddSingleton<DrJournal>();
        builder.Services.AddSupervisedLoop<DrTakeover>();
        builder.Services.AddSingleton<FailoverCoordinator>();
        builder.Services.AddSingleton<FailbackCoordinator>();
        builder.Services.AddSupervisedLoop<DrFenceKeeper>();
        builder.Services.AddHttpClient(StrandedReconciler.HttpClientName, client => client.BaseAddress = StrandedReconciler.BaseAddress);
        return builder;
    }
}
