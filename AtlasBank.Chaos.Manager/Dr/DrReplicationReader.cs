using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Manager.Dr.Databases;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// Whether the bank has a DR copy that follows the writer right now: the other region subscribed to it and streaming.
/// Asked of the other region's database each time, so no sequence of calls can leave the bank without DR unsaid.
/// </summary>
public sealed class DrReplicationReader(LedgerRegionDatabases databases)
{
    public async Task<(bool Replicating, string? Issue)> ReadAsync(DrRoutingState routing, CancellationToken cancellationToken)
    {
        if (routing.Switching)
        {
            return (false, "A failover or failback is moving the writer.");
        }

        var (writer, standby) = (routing.ActiveRegion, DrRegions.Other(routing.ActiveRegion));
        try
        {
            if (!await databases[standby].SubscribedAsync(cancellationToken))
            {
                return (false, standby == DrRegions.Home
                    ? $"{standby} does not replicate from {writer}: it is a stale copy until POST /dr/failback brings the writer home and rebuilds it."
                    : $"{standby} has no subscription to {writer}.");
            }

            return await databases[standby].SubscriptionStreamingAsync(cancellationToken)
                ? (true, null)
                : (false, $"{standby}'s subscription to {writer} is not streaming (paused, or its apply worker is not running).");
        }
        catch (RegionDatabaseUnavailableException ex)
        {
            return (false, $"{standby}'s database does not answer: {ex.Message}");
        }
    }
}
