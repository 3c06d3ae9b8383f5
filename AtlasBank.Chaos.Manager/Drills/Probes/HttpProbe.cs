namespace AtlasBank.Chaos.Manager.Drills.Probes;

/// <summary>
/// Calls <c>Url</c> — a known target only, by the same allowlist as an experiment's <c>TargetUrl</c> — from the
/// manager, without the chaos handler (as the inject probe does), so it sees the service itself. It holds when
/// every call answers <c>ExpectedStatus</c> and, if <c>MaxP99Ms</c> is set, the p99 latency of the calls in the
/// last <c>WindowSeconds</c> is at most that.
/// </summary>
public sealed class HttpProbe : DrillProbe
{
    public const int MaxLatencyMs = 600_000;
    public const int MaxWindowSeconds = 600;

    public string? Url { get; init; }

    public int ExpectedStatus { get; init; } = 200;

    public int? MaxP99Ms { get; init; }

    public int WindowSeconds { get; init; } = 10;

    public override void Validate(DrillValidation validation, string path)
    {
        if (Url is null || !Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            validation.Add($"{path}.Url", "Required: an absolute http or https URL.");
        }
        else if (!validation.Targets.Allows(uri))
        {
            validation.Add($"{path}.Url", $"Host '{uri.IdnHost}' is not a known target: a service the manager knows (e.g. ledgerapi), a chaos alias, or listed in ChaosManager:AllowedTargetHosts.");
        }

        if (ExpectedStatus is < 100 or > 599)
        {
            validation.Add($"{path}.ExpectedStatus", "An HTTP status from 100 to 599.");
        }

        if (MaxP99Ms is < 1 or > MaxLatencyMs)
        {
            validation.Add($"{path}.MaxP99Ms", $"From 1 to {MaxLatencyMs} ms.");
        }

        if (WindowSeconds is < 1 or > MaxWindowSeconds)
        {
            validation.Add($"{path}.WindowSeconds", $"From 1 to {MaxWindowSeconds} seconds.");
        }
    }
}
