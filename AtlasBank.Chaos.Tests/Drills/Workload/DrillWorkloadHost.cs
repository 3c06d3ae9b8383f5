using AtlasBank.Chaos.Manager.Drills.Invariants;
using AtlasBank.Chaos.Manager.Drills.Workload;
using AtlasBank.Chaos.Tests.Chaos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static AtlasBank.Chaos.Tests.Security.ServiceDatabaseCredentials;

namespace AtlasBank.Chaos.Tests.Drills.Workload;

/// <summary>
/// The manager's drill workload and invariant checker, wired by the manager's own <c>AddDrillWorkload</c> in a host
/// built with our ServiceDefaults (so the workload's calls take the pipeline any AtlasBank service's take) and given
/// exactly the auditor connection strings the manager receives.
/// </summary>
public sealed class DrillWorkloadHost : IAsyncDisposable
{
    /// <summary>Bounds a whole short workload phase, preparation or check in these tests.</summary>
    public static readonly TimeSpan PhaseBound = TimeSpan.FromSeconds(60);

    private readonly ServiceDefaultsClientHost _host;

    private DrillWorkloadHost(ServiceDefaultsClientHost host, BankWorkloadFactory factory)
    {
        _host = host;
        Factory = factory;
    }

    /// <summary>Seeded: the same accounts and amounts every run.</summary>
    public BankWorkloadFactory Factory { get; }

    public LedgerInvariantChecker Checker => _host.Services.GetRequiredService<LedgerInvariantChecker>();

    /// <summary>The process's chaos view, to wait until an experiment enabled in the manager reaches the workload's calls.</summary>
    public ServiceDefaultsClientHost Host => _host;

    public static async Task<DrillWorkloadHost> StartAsync(AtlasAppFixture fixture)
    {
        var primary = await OfAsync(fixture, "chaos-manager", LedgerInvariantOptions.PrimaryConnectionName);
        var dr = await OfAsync(fixture, "chaos-manager", LedgerInvariantOptions.DrConnectionName);
        var host = await ServiceDefaultsClientHost.StartAsync(fixture, ServiceDefaultsClientHost.QuickResyncInterval, chaosEnabled: true, configure: builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"ConnectionStrings:{LedgerInvariantOptions.PrimaryConnectionName}"] = primary,
                [$"ConnectionStrings:{LedgerInvariantOptions.DrConnectionName}"] = dr,
            });
            builder.AddDrillWorkload();
        });
        var services = host.Services;
        var factory = new BankWorkloadFactory(
            services.GetRequiredService<IHttpClientFactory>(), TimeProvider.System, new Random(20261127),
            services.GetRequiredService<IOptions<WorkloadOptions>>(), services.GetRequiredService<ILoggerFactory>());
        return new DrillWorkloadHost(host, factory);
    }

    public Task<BankWorkload> PrepareAsync(WorkloadPlan plan) =>
        Factory.PrepareAsync($"test-{Guid.NewGuid():N}", plan, TimeProvider.System.GetUtcNow(), CancellationToken.None).WaitAsync(PhaseBound);

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
