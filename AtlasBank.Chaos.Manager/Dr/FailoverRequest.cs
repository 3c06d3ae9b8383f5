using AtlasBank.Chaos.Manager.Infrastructure;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// The optional body of <c>POST /dr/failover</c> and <c>/dr/failback</c>: why, for the record and the audit; and, for a
/// failover, whether the caller accepts losing data (a lagging replica, or one whose loss cannot be measured).
/// </summary>
public sealed class FailoverRequest
{
    public const int MaxReasonLength = 500;

    public const int MaxStepPauseSeconds = 10;

    public static readonly FailoverRequest None = new();

    public string? Reason { get; init; }

    public bool AcceptDataLoss { get; init; }

    /// <summary>
    /// A rehearsal's slow motion: seconds to wait after each step is recorded and before it runs, so a game day can
    /// watch each step (or kill the coordinator at it). 0 (the default) to 10.
    /// </summary>
    public int StepPauseSeconds { get; init; }

    public static async Task<JsonBody.Result<FailoverRequest>> ReadAsync(HttpRequest request) =>
        request.ContentLength is 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count == 0)
            ? new JsonBody.Result<FailoverRequest>(None, null)
            : await JsonBody.ReadAsync<FailoverRequest>(request);

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (Reason is { } reason && (reason.Length is 0 or > MaxReasonLength || reason.Any(char.IsControl)))
        {
            errors[nameof(Reason)] = [$"1 to {MaxReasonLength} characters, no control characters."];
        }

        if (StepPauseSeconds is < 0 or > MaxStepPauseSeconds)
        {
            errors[nameof(StepPauseSeconds)] = [$"0 to {MaxStepPauseSeconds}."];
        }

        return errors;
    }
}
