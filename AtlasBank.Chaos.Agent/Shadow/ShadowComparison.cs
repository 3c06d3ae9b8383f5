namespace AtlasBank.Chaos.Agent.Shadow;

/// <summary>One shadowed request and what comparing DR's answer with the primary's concluded.</summary>
public sealed record ShadowComparison(
    string Id,
    string Method,
    string Path,
    string Verdict,
    int PrimaryStatus,
    int? DrStatus,
    IReadOnlyList<Difference> Differences,
    double PrimaryLatencyMs,
    double? DrLatencyMs,
    DateTimeOffset SampledAt,
    DateTimeOffset ComparedAt,
    string? PrimaryLsn,
    string? DrLsn,
    int Checks,
    bool? PrimarySelfDisagreed,
    string? ChaosExperimentId,
    string? Error);
