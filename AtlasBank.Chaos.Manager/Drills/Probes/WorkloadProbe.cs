namespace AtlasBank.Chaos.Manager.Drills.Probes;

/// <summary>
/// The drill's own bank workload over the last <c>WindowSeconds</c>: its error rate (rejected or unknown outcomes
/// over all requests, 0.0–1.0) at most <c>MaxErrorRate</c> and its p99 latency at most <c>MaxP99Ms</c>; at least one
/// of the two. Needs a workload step in the method.
/// </summary>
public sealed class WorkloadProbe : DrillProbe
{
    public double? MaxErrorRate { get; init; }

    public int? MaxP99Ms { get; init; }

    public int WindowSeconds { get; init; } = 10;

    public override void Validate(DrillValidation validation, string path)
    {
        if (MaxErrorRate is null && MaxP99Ms is null)
        {
            validation.Add($"{path}.MaxErrorRate", "Give MaxErrorRate, MaxP99Ms or both: a probe needs a tolerance.");
        }

        if (MaxErrorRate is { } rate && (!double.IsFinite(rate) || rate is < 0 or > 1))
        {
            validation.Add($"{path}.MaxErrorRate", "A share from 0.0 to 1.0 (0.01 = 1 %).");
        }

        if (MaxP99Ms is < 1 or > HttpProbe.MaxLatencyMs)
        {
            validation.Add($"{path}.MaxP99Ms", $"From 1 to {HttpProbe.MaxLatencyMs} ms.");
        }

        if (WindowSeconds is < 1 or > HttpProbe.MaxWindowSeconds)
        {
            validation.Add($"{path}.WindowSeconds", $"From 1 to {HttpProbe.MaxWindowSeconds} seconds.");
        }

        if (!validation.RunsWorkload)
        {
            validation.Add($"{path}.Kind", "A workload probe needs a workload step in the method.");
        }
    }
}
