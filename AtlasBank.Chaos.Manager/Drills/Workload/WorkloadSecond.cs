namespace AtlasBank.Chaos.Manager.Drills.Workload;

/// <summary>The workload's requests that finished in one second of the run (<c>Second</c> counts from the run's start).</summary>
public sealed record WorkloadSecond(int Second, int Acknowledged, int Rejected, int Unknown, double? P50Ms, double? P99Ms)
{
    public int Requests => Acknowledged + Rejected + Unknown;

    /// <summary>Rejected and unknown over all: null in a second without requests.</summary>
    public double? ErrorRate => Requests == 0 ? null : (double)(Rejected + Unknown) / Requests;
}
