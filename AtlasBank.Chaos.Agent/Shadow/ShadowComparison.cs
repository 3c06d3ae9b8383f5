namespace AtlasBank.Chaos.Agent.Shadow;

/// <summary>One shadowed request and what comparing DR's answer with the primary's concluded.</summary>
/// <param name="PrimaryStatus">The primary's status in the pair the verdict rests on: with <see cref="DrStatus"/> and
/// <see cref="Differences"/> it describes one pair of answers, so a <c>match</c> always has equal statuses.</param>
/// <param name="SampledStatus">What the primary answered when sampled (differs from <see cref="PrimaryStatus"/> when the
/// verdict rests on its later answer, once DR had caught up).</param>
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
    string? Error,
    int? SampledStatus = null);
