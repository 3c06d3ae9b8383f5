using AtlasBank.Chaos.Manager.Dr;
using AtlasBank.Chaos.Manager.Drills.Invariants;
using AtlasBank.Chaos.Manager.Drills.Workload;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

public static class DrillWorkloadExtensions
{
    /// <summary>
    /// The drills' bank workload and its money invariants: <see cref="WorkloadOptions"/> and
    /// <see cref="LedgerInvariantOptions"/> validated on start; the workload's ledger client (a named client, so the
    /// ServiceDefaults pipeline of standard resilience, chaos and service discovery applies to it);
    /// <see cref="BankWorkloadFactory"/>; and <see cref="LedgerInvariantChecker"/> over keyed data sources of the
    /// read-only auditor on the primary (<c>ledger-auditor</c>) and on DR (<c>ledger-dr-auditor</c>).
    /// </summary>
    public static IHostApplicationBuilder AddDrillWorkload(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<WorkloadOptions>().BindConfiguration(WorkloadOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LedgerInvariantOptions>().BindConfiguration(LedgerInvariantOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.AddHttpClient(WorkloadLedgerClient.Name).ConfigureHttpClient((provider, client) =>
        {
            client.BaseAddress = WorkloadLedgerClient.BaseAddress;
            client.Timeout = provider.GetRequiredService<IOptions<WorkloadOptions>>().Value.RequestTimeout;
        });
        services.AddSingleton(provider => new BankWorkloadFactory(
            provider.GetRequiredService<IHttpClientFactory>(),
            provider.GetRequiredService<TimeProvider>(),
            Random.Shared,
            provider.GetRequiredService<IOptions<WorkloadOptions>>(),
            provider.GetRequiredService<ILoggerFactory>()));

        // Short waits, and no health checks: a ledger database that is down is what a drill may be about, never a
        // reason for the manager to report itself unhealthy.
        var invariants = builder.Configuration.GetSection(LedgerInvariantOptions.SectionName).Get<LedgerInvariantOptions>() ?? new LedgerInvariantOptions();
        foreach (var connectionName in new[] { LedgerInvariantOptions.PrimaryConnectionName, LedgerInvariantOptions.DrConnectionName })
        {
            builder.AddKeyedNpgsqlDataSource(connectionName,
                settings => settings.DisableHealthChecks = true,
                dataSource =>
                {
                    dataSource.ConnectionStringBuilder.Timeout = Seconds(invariants.ConnectTimeout);
                    dataSource.ConnectionStringBuilder.CommandTimeout = Seconds(invariants.CommandTimeout);
                });
        }

        services.AddSingleton(provider => new LedgerInvariantChecker(
            provider.GetRequiredKeyedService<NpgsqlDataSource>(LedgerInvariantOptions.PrimaryConnectionName),
            provider.GetRequiredKeyedService<NpgsqlDataSource>(LedgerInvariantOptions.DrConnectionName),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IOptions<LedgerInvariantOptions>>(),
            // The writer's database is the "primary": region B's after a failover. Hosts without DR state (tests) read region A.
            provider.GetService<DrStateStore>() is { } dr ? async () => (await dr.ReadRoutingAsync()).ActiveRegion : null));
        return builder;
    }

    /// <summary>Npgsql takes whole seconds.</summary>
    private static int Seconds(TimeSpan timeout) => Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
}
