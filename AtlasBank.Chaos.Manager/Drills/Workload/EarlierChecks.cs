namespace AtlasBank.Chaos.Manager.Drills.Workload;

/// <summary>
/// What a run's earlier invariant checks settled, so the next one need not look it up again: how many
/// acknowledgements were found in the ledger once and as asked, and how many requests were let go unchecked because
/// more were waiting than <see cref="WorkloadOptions.UncheckedLimit"/>.
/// </summary>
public sealed record EarlierChecks(long AcknowledgedConfirmed, long AcknowledgedNotKept, long UnknownNotKept)
{
    public static readonly EarlierChecks None = new(0, 0, 0);
}
