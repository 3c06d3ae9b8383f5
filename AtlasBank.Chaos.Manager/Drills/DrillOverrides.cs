using AtlasBank.Chaos.Manager.Drills.Steps;
using AtlasBank.Chaos.Manager.Infrastructure;

namespace AtlasBank.Chaos.Manager.Drills;

/// <summary>
/// What one run may change of its drill (the optional body of <c>POST /drills/{name}/runs</c>): its length and its
/// workload's rate, within <see cref="DrillOptions"/>' bounds. Read as strictly as every request body (unknown field,
/// wrong type: 400 naming it) and then checked against the drill by <see cref="Validate"/>.
/// </summary>
public sealed class DrillOverrides
{
    public static readonly DrillOverrides None = new();

    /// <summary>The run's length and deadline instead of the drill's <c>DurationSeconds</c>.</summary>
    public int? DurationSeconds { get; init; }

    /// <summary>Transfers a second for every workload step of the drill instead of the steps' own <c>RatePerSecond</c>.</summary>
    public int? RatePerSecond { get; init; }

    public int DurationFor(DrillDefinition drill) => DurationSeconds ?? drill.DurationSeconds!.Value;

    /// <summary>The body if there is one (no body: <see cref="None"/>); a malformed one is the 400 problem to answer.</summary>
    public static async Task<JsonBody.Result<DrillOverrides>> ReadAsync(HttpRequest request) =>
        request.ContentLength is 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count == 0)
            ? new JsonBody.Result<DrillOverrides>(None, null)
            : await JsonBody.ReadAsync<DrillOverrides>(request);

    /// <summary>Every problem of these overrides for <paramref name="drill"/>, keyed by field; empty when they may run.</summary>
    public static Dictionary<string, string[]> Validate(DrillOverrides overrides, DrillDefinition drill, DrillOptions options)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (overrides.DurationSeconds is { } duration)
        {
            var fixedSeconds = DrillMethodLength.FixedSeconds(drill);
            var least = Math.Max(options.MinDurationSeconds, fixedSeconds);
            if (duration < least || duration > options.MaxDurationSeconds)
            {
                errors[nameof(DurationSeconds)] = [fixedSeconds > options.MinDurationSeconds
                    ? $"From {least} to {options.MaxDurationSeconds} seconds for '{drill.Name}': its method's fixed steps take {fixedSeconds} s."
                    : $"From {least} to {options.MaxDurationSeconds} seconds."];
            }
        }

        if (overrides.RatePerSecond is { } rate)
        {
            if (drill.Method?.OfType<WorkloadStep>().Any() is not true)
            {
                errors[nameof(RatePerSecond)] = [$"'{drill.Name}' runs no workload: there is no rate to override."];
            }
            else if (rate < options.MinRatePerSecond || rate > options.MaxRatePerSecond)
            {
                errors[nameof(RatePerSecond)] = [$"From {options.MinRatePerSecond} to {options.MaxRatePerSecond} transfers a second."];
            }
        }

        return errors;
    }
}
