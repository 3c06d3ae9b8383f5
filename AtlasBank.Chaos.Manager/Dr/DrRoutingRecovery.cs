using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Dr.Databases;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// The routing a failover, failback or the fence keeper starts from. Redis holds it, but the regions' databases hold
/// the truth (<c>dr.region_role</c>: each fence and grant with its epoch): when Redis lost the key (a restart without
/// persistence, an operator's DEL) or holds junk, the routing is rebuilt from them: the writer they record, at an
/// epoch above any either records and any the ledgers hold, so every process takes it and none is handed an older
/// one. Call it under the DR lock: it writes the routing.
/// </summary>
public sealed partial class DrRoutingRecovery(
    DrStateStore store, LedgerRegionDatabases databases, RegionLedgers ledgers, AuditTrail audit, TimeProvider timeProvider, ILogger<DrRoutingRecovery> logger)
{
    private static readonly TimeSpan LedgerAnswerBound = TimeSpan.FromSeconds(1);

    public async Task<DrRoutingState> ReadAsync(CancellationToken cancellationToken)
    {
        var stored = await store.ReadStoredRoutingAsync();
        if (DrRoutingState.TryParse(stored) is { } routing)
        {
            return routing;
        }

        var roles = new List<RegionRole>();
        foreach (var region in DrRegions.All)
        {
            try
            {
                roles.Add(await databases[region].RoleAsync(cancellationToken));
            }
            catch (RegionDatabaseUnavailableException ex)
            {
                throw new DrUnavailableException(
                    $"chaos:dr:routing is {(stored is null ? "missing" : "not a routing state")} and {region}'s database, which records its part, does not answer: which region writes cannot be known. {ex.Message}",
                    innerException: ex);
            }
        }

        // A ledger may hold a newer epoch than either database: a switch whose grants did not reach a database.
        long held = 0;
        foreach (var region in DrRegions.All)
        {
            held = Math.Max(held, (await ledgers.ReadRoleAsync(region, LedgerAnswerBound, cancellationToken))?.Epoch ?? 0);
        }

        var rebuilt = Rebuild(roles, held, timeProvider.GetUtcNow())
            ?? throw new DrUnavailableException(
                $"chaos:dr:routing is {(stored is null ? "missing" : "not a routing state")} and neither region's database records itself the writer ({Describe(roles)}): a switch was cut short. See GET /dr/failovers.");
        await store.WriteRoutingAsync(rebuilt);
        LogRebuilt(rebuilt.ActiveRegion, rebuilt.Epoch, Describe(roles));
        await audit.RecordAsync(new AuditRecord(null, null, "DrRoutingRebuilt", rebuilt.ActiveRegion, null, null, StatusCodes.Status200OK,
            $"chaos:dr:routing was {(stored is null ? "missing" : "not a routing state")}; rebuilt from the regions' databases ({Describe(roles)}): {rebuilt.ActiveRegion} at epoch {rebuilt.Epoch}."));
        return rebuilt;
    }

    /// <summary>
    /// The writer the databases record (of two, the one granted at the newer epoch: the other's grant is a stray the
    /// fence keeper revokes), one epoch above the highest recorded or <paramref name="heldEpoch"/>; null when neither
    /// records itself the writer.
    /// </summary>
    public static DrRoutingState? Rebuild(IReadOnlyCollection<RegionRole> roles, long heldEpoch, DateTimeOffset now) =>
        roles.Where(role => role.IsWriter).OrderByDescending(role => role.Epoch).FirstOrDefault() is { } writer
            ? new DrRoutingState(writer.Region, Math.Max(heldEpoch, roles.Max(role => role.Epoch)) + 1, false, now, null)
            : null;

    private static string Describe(IEnumerable<RegionRole> roles) =>
        string.Join(", ", roles.Select(role => $"{role.Region} {(role.IsWriter ? "writer" : "fenced")} at epoch {role.Epoch}"));

    [LoggerMessage(Level = LogLevel.Warning, Message = "DR_ROUTING_REBUILT: chaos:dr:routing was lost; {Region} at epoch {Epoch}, from the regions' databases ({Roles}).")]
    private partial void LogRebuilt(string region, long epoch, string roles);
}
