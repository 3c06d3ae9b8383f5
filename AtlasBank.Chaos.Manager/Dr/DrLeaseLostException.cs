namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// The replica running a failover or failback lost its lease mid-way (it stalled, or Redis did not answer for a whole
/// TTL): it stops where it is, changing nothing more, and the replica that took the lease over finishes or undoes the
/// operation from its journal. Answers 503 with Retry-After.
/// </summary>
public sealed class DrLeaseLostException(string holder)
    : Exception($"This replica's lease on {holder} ran out before it finished; the replica that takes it over finishes or undoes it from the DR journal (GET /dr/failovers).")
{
    public string Holder { get; } = holder;
}
