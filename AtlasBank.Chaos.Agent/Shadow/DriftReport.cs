namespace AtlasBank.Chaos.Agent.Shadow;

/// <summary>A drift validation round over the window.</summary>
/// <param name="DriftRate">drift / (match + drift) over the window.</param>
/// <param name="NoiseFloor">How often the primary disagreed with itself on the same request, with no write in between.</param>
/// <param name="DriftAboveNoise">Drift rate less the noise floor: what is compared with the threshold.</param>
/// <param name="LagShare">lag / all verdicts of the window.</param>
/// <param name="ErrorShare">error / all verdicts of the window.</param>
/// <param name="ReplicationHealthy">DR's own verdict from its <c>/dr/status</c>; null when it could not be read.</param>
/// <param name="ReplicationAlert">DR's replication is unhealthy (or unknown), or lag and error dominate the window.</param>
/// <param name="ReplicationAlertReason">Why <paramref name="ReplicationAlert"/> is raised; null when it is not.</param>
/// <param name="ValidatedBy">The agent replica that took this round's turn (one per interval, whichever holds the lease).</param>
public sealed record DriftReport(
    DateTimeOffset At,
    double WindowSeconds,
    long Compared,
    long Match,
    long Drift,
    long Lag,
    long Error,
    long Chaos,
    double DriftRate,
    double NoiseFloor,
    double DriftAboveNoise,
    double Threshold,
    bool Alert,
    double LagShare = 0,
    double ErrorShare = 0,
    bool? ReplicationHealthy = null,
    bool ReplicationAlert = false,
    string? ReplicationAlertReason = null,
    string? ValidatedBy = null);
