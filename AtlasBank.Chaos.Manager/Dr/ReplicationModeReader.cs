using AtlasBank.Chaos.Contracts.Ledger;
using AtlasBank.Chaos.Manager.Dr.Databases;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// Whether a region's commits wait for DR: sync when its <c>synchronous_standby_names</c> names DR's subscription
/// (or any standby). Remembers the last answer per region, for when the database no longer answers.
/// </summary>
public sealed class ReplicationModeReader(LedgerRegionDatabases databases)
{
    private readonly Dictionary<string, string> _lastKnown = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public async Task<string> ReadAsync(string region, CancellationToken cancellationToken)
    {
        try
        {
            var names = await databases[region].SynchronousStandbyNamesAsync(cancellationToken);
            var mode = Names(names) ? ReplicationModes.Sync : ReplicationModes.Async;
            lock (_gate)
            {
                _lastKnown[region] = mode;
            }

            return mode;
        }
        catch (RegionDatabaseUnavailableException)
        {
            lock (_gate)
            {
                return _lastKnown.GetValueOrDefault(region, ReplicationModes.Unknown);
            }
        }
    }

    private static bool Names(string standbyNames) =>
        standbyNames.Contains(LedgerReplication.SubscriptionName, StringComparison.Ordinal) || standbyNames.Contains('*', StringComparison.Ordinal);
}
