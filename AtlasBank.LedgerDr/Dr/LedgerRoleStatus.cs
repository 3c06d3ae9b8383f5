namespace AtlasBank.LedgerDr.Dr;

/// <summary>What this ledger is and whether it takes writes now, as its routing cache sees it (<c>GET /dr/role</c>).</summary>
/// <param name="Region">The region this ledger serves (<c>Ledger:Region</c>).</param>
/// <param name="HomeRole">What it is when the bank is at home: <c>primary</c> or <c>dr</c> (<c>Ledger:Role</c>).</param>
/// <param name="ActiveRegion">The region the routing names active.</param>
/// <param name="Epoch">The epoch of the routing state in force here (0 until one is read).</param>
/// <param name="Switching">The writer is being moved: no ledger takes writes.</param>
/// <param name="Writable">This ledger lets writes through now.</param>
/// <param name="RoutingKnown">A routing state has been read from Redis; false means the home region is assumed.</param>
/// <param name="RoutingChangedAt">When the manager wrote the state in force here; null while it is assumed.</param>
/// <param name="WritesInFlight">
/// Writes let through that are still running. Read after the routing: a fence is complete once this ledger reports the
/// fencing epoch (or a later one), not <see cref="Writable"/>, and 0 here.
/// </param>
public sealed record LedgerRoleStatus(
    string Region,
    string HomeRole,
    string ActiveRegion,
    long Epoch,
    bool Switching,
    bool Writable,
    bool RoutingKnown,
    DateTimeOffset? RoutingChangedAt,
    long WritesInFlight);
