namespace AtlasBank.Chaos.Manager.Drills.Workload;

/// <summary>
/// One transfer the workload asked for, and what came of it (<see cref="WorkloadOutcomes"/>).
/// </summary>
/// <param name="TransferId">The ledger's transfer id, when acknowledged.</param>
/// <param name="StartedAt">When the request was due by the workload's schedule (not when a slot let it go).</param>
/// <param name="LatencyMs">From <paramref name="StartedAt"/> to its outcome: waiting for an in-flight slot counts, so a slow ledger shows here and not as a lower rate.</param>
/// <param name="Detail">Why it was rejected or unknown: the status and the ledger's problem title, or the exception.</param>
public sealed record WorkloadRequest(
    string IdempotencyKey, Guid From, Guid To, decimal Amount, string Outcome, Guid? TransferId,
    DateTimeOffset StartedAt, double LatencyMs, string? Detail)
{
    public DateTimeOffset FinishedAt => StartedAt + TimeSpan.FromMilliseconds(LatencyMs);
}
