using AtlasBank.Chaos.Contracts.Provisioning;
using AtlasBank.Chaos.Provisioning.ChaosDb;
using AtlasBank.Chaos.Provisioning.Ledger;
using AtlasBank.Chaos.Provisioning.Postgres;
using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Provisioning;

/// <summary>
/// Provisions the three servers in the one order that works: chaosdb (the control plane's, independent), region A (the
/// publication and the replication login), then region B (which subscribes to region A).
/// </summary>
public sealed partial class Provisioner(IOptions<ProvisioningOptions> options, ILogger<Provisioner> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var chaos = new ServerConnection(ProvisioningSettings.ChaosServer, settings.Chaos!);
        var regionA = new ServerConnection(ProvisioningSettings.LedgerServerA, settings.RegionA!);
        var regionB = new ServerConnection(ProvisioningSettings.LedgerServerB, settings.RegionB!);

        var found = await ChaosDatabaseProvisioning.ProvisionAsync(chaos, settings, cancellationToken);
        LogProvisioned(logger, chaos.Name, ProvisioningSettings.ChaosDatabase, found, ProvisionedSchema.ChaosVersion);
        found = await LedgerProvisioning.ProvisionRegionAAsync(regionA, settings, cancellationToken);
        LogProvisioned(logger, regionA.Name, ProvisioningSettings.LedgerDatabase, found, ProvisionedSchema.LedgerVersion);
        found = await LedgerProvisioning.ProvisionRegionBAsync(regionB, regionA, settings, logger, cancellationToken);
        LogProvisioned(logger, regionB.Name, ProvisioningSettings.LedgerDatabase, found, ProvisionedSchema.LedgerVersion);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "PROVISIONED {Server}/{Database}: version {Found} found, {Version} in place; roles, grants and replication checked.")]
    private static partial void LogProvisioned(ILogger logger, string server, string database, long found, int version);
}
