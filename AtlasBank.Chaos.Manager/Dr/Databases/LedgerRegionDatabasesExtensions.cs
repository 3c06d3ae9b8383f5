using AtlasBank.Chaos.Manager.Dr.Databases;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

public static class LedgerRegionDatabasesExtensions
{
    /// <summary>
    /// <see cref="LedgerRegionDatabases"/>: each region's ledger database as the DR controller, over a keyed data
    /// source (<c>ledger-controller</c>, <c>ledger-dr-controller</c>) without health checks — the manager must stay
    /// healthy while a region is down — and <see cref="DrDatabaseOptions"/> validated on start.
    /// </summary>
    public static IHostApplicationBuilder AddLedgerRegionDatabases(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DrDatabaseOptions>().BindConfiguration(DrDatabaseOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        var options = builder.Configuration.GetSection(DrDatabaseOptions.SectionName).Get<DrDatabaseOptions>() ?? new DrDatabaseOptions();
        foreach (var connectionName in DrDatabaseOptions.ConnectionNames.Values)
        {
            builder.AddKeyedNpgsqlDataSource(connectionName,
                settings => settings.DisableHealthChecks = true,
                dataSource => options.Configure(dataSource.ConnectionStringBuilder));
        }

        builder.Services.AddSingleton(provider => new LedgerRegionDatabases(DrDatabaseOptions.ConnectionNames.ToDictionary(
            region => region.Key,
            region => new LedgerRegionDatabase(
                region.Key,
                provider.GetRequiredKeyedService<NpgsqlDataSource>(region.Value),
                provider.GetRequiredService<IOptions<DrDatabaseOptions>>().Value),
            StringComparer.Ordinal)));
        return builder;
    }
}
