namespace AtlasBank.Chaos.Manager.Drills.Workload;

/// <summary>
/// What one workload request came to, after Jepsen's bank test: <c>acknowledged</c> (201, or 200 replayed: the
/// transfer exists), <c>rejected</c> (a 4xx: the ledger said no and posted nothing), <c>unknown</c> (a timeout, a
/// 5xx or a broken connection: it may or may not exist; the invariants look it up).
/// </summary>
public static class WorkloadOutcomes
{
    public const string Acknowledged = "acknowledged";
    public const string Rejected = "rejected";
    public const string Unknown = "unknown";

    public static readonly string[] All = [Acknowledged, Rejected, Unknown];
}
