using System.Text.Json;

namespace AtlasBank.Chaos.Contracts.Dr;

/// <summary>
/// Which region serves the ledger, as every process sees it (Redis <see cref="DrRedisKeys.Routing"/>, JSON).
/// Only the manager writes it; every write bumps <see cref="Epoch"/>, so a reader can tell newer from older.
/// </summary>
/// <param name="ActiveRegion">The region whose ledger takes writes (<see cref="DrRegions"/>).</param>
/// <param name="Epoch">Bumped by every change; a ledger that saw a higher epoch never goes back to an older one.</param>
/// <param name="Switching">A failover or failback is moving the writer: no ledger takes writes until it ends.</param>
/// <param name="ChangedAt">When the manager wrote this state.</param>
/// <param name="FailoverId">The failover or failback that wrote it; null for the home state.</param>
public sealed record DrRoutingState(string ActiveRegion, long Epoch, bool Switching, DateTimeOffset ChangedAt, string? FailoverId)
{
    /// <summary>What holds when Redis has never had a routing state: region A writes, nothing is switching.</summary>
    public static DrRoutingState Home { get; } = new(DrRegions.Home, 0, false, DateTimeOffset.UnixEpoch, null);

    /// <summary>Whether the ledger of <paramref name="region"/> may take writes under this state.</summary>
    public bool IsWriter(string region) => !Switching && string.Equals(region, ActiveRegion, StringComparison.Ordinal);

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>The state, or null when the JSON is not one (a reader keeps what it had).</summary>
    public static DrRoutingState? TryParse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<DrRoutingState>(json) is { } state && DrRegions.IsKnown(state.ActiveRegion) ? state : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
