using System.Text.RegularExpressions;
using AtlasBank.Chaos.Manager.Chaos;
using AtlasBank.Chaos.Manager.Drills.Steps;

namespace AtlasBank.Chaos.Manager.Drills;

/// <summary>
/// A DR drill or game day as data, after Chaos Toolkit's experiments: a hypothesis (steady-state probes with
/// tolerances), a method (ordered steps), the conditions that abort it, and a rollback. Read from a JSON file with
/// PascalCase fields, as the spec's request bodies are; <see cref="Validate"/> names each bad field by its JSON path.
/// </summary>
public sealed partial class DrillDefinition
{
    public const int MaxNameLength = 63;
    public const int MaxTitleLength = 200;
    public const int MaxTextLength = 4_000;
    public const int MaxSteps = 100;

    /// <summary>Names the runs API takes for itself (<c>/drills/runs</c>): no drill may be called so.</summary>
    public static readonly string[] ReservedNames = ["runs"];

    /// <summary>Lower-case kebab, unique across every file; the drill's address (<c>/drills/{Name}</c>).</summary>
    public string? Name { get; init; }

    public string? Title { get; init; }

    public string? Description { get; init; }

    /// <summary>The regulator-facing sentence: what this drill proves (e.g. DORA art. 11 scenario testing).</summary>
    public string? Objective { get; init; }

    /// <summary>The chaos service the drill acts on (e.g. <c>ledger</c>); a method step must enable chaos on it.</summary>
    public string? Target { get; init; }

    /// <summary>The run's default length and deadline; a run may override it within <see cref="DrillOptions"/>' bounds.</summary>
    public int? DurationSeconds { get; init; }

    public DrillHypothesis? Hypothesis { get; init; }

    public DrillStep?[]? Method { get; init; }

    public DrillAbortConditions? AbortWhen { get; init; } = new();

    /// <summary>Extra steps after the method, on pass, fail or abort. Disabling every experiment the drill enabled is implicit and always happens.</summary>
    public DrillStep?[]? Rollback { get; init; } = [];

    public void Validate(DrillValidation validation)
    {
        if (Name is null || Name.Length > MaxNameLength || !KebabName().IsMatch(Name))
        {
            validation.Add("$.Name", $"Required: 1 to {MaxNameLength} lower-case letters and digits in dash-separated words (e.g. service-latency).");
        }
        else if (ReservedNames.Contains(Name, StringComparer.Ordinal))
        {
            validation.Add("$.Name", $"'{Name}' is reserved by the runs API (/drills/{Name}).");
        }

        Text(validation, "$.Title", Title, MaxTitleLength);
        Text(validation, "$.Description", Description, MaxTextLength);
        Text(validation, "$.Objective", Objective, MaxTextLength);

        if (!ChaosRequestValidator.IsValidServiceName(Target))
        {
            validation.Add("$.Target", ChaosRequestValidator.ServiceNameRule);
        }

        // Workload and invariants probes and the error-rate abort depend on the method having a workload.
        validation.RunsWorkload = Method?.OfType<WorkloadStep>().Any() is true;
        ValidateMethod(validation);
        ValidateRollback(validation);

        if (Hypothesis is null)
        {
            validation.Add("$.Hypothesis", "Required: the steady state the drill expects, as probes with tolerances.");
        }
        else
        {
            Hypothesis.Validate(validation, "$.Hypothesis");
        }

        if (AbortWhen is null)
        {
            validation.Add("$.AbortWhen", "Omit it for the defaults, or give an object; not null.");
        }
        else
        {
            AbortWhen.Validate(validation, "$.AbortWhen");
        }

        var options = validation.Options;
        if (DurationSeconds is not { } duration || duration < options.MinDurationSeconds || duration > options.MaxDurationSeconds)
        {
            validation.Add("$.DurationSeconds", $"Required: from {options.MinDurationSeconds} to {options.MaxDurationSeconds} seconds.");
        }
        else if (Method is not null && DrillMethodLength.FixedSeconds(this) is var fixedSeconds && fixedSeconds > duration)
        {
            validation.Add("$.DurationSeconds", $"At least {fixedSeconds} s: the method's fixed steps take that long.");
        }
    }

    private void ValidateMethod(DrillValidation validation)
    {
        if (Method is not { Length: > 0 and <= MaxSteps })
        {
            validation.Add("$.Method", $"Required: 1 to {MaxSteps} steps.");
            return;
        }

        var enabled = new HashSet<string>(StringComparer.Ordinal);
        var restWaits = 0;
        for (var i = 0; i < Method.Length; i++)
        {
            var path = $"$.Method[{i}]";
            switch (Method[i])
            {
                case null:
                    validation.Add(path, "A step object is required.");
                    continue;
                case EnableStep { Body.Service: { } service }:
                    enabled.Add(ChaosRequestValidator.NormalizeServiceName(service)!);
                    break;
                case BulkEnableStep { Body: { } bodies }:
                    enabled.UnionWith(bodies.Select(body => ChaosRequestValidator.NormalizeServiceName(body?.Service)).OfType<string>());
                    break;
                case InjectStep inject when (inject.Service ?? Target) is { } service && !enabled.Contains(service):
                    validation.Add($"{path}.Service", $"No earlier step enables chaos on '{service}': there is nothing to inject.");
                    break;
                case WaitStep { Rest: true } when ++restWaits > 1:
                    validation.Add($"{path}.Rest", "At most one rest wait: it takes whatever time the run has left.");
                    break;
            }

            Method[i]!.Validate(validation, path);
        }

        if (Target is not null && !enabled.Contains(Target))
        {
            validation.Add("$.Target", $"No enable or bulk-enable step of the method enables chaos on '{Target}'.");
        }
    }

    private void ValidateRollback(DrillValidation validation)
    {
        if (Rollback is null)
        {
            validation.Add("$.Rollback", "Omit it for none, or give an array of steps; not null.");
            return;
        }

        for (var i = 0; i < Rollback.Length; i++)
        {
            var path = $"$.Rollback[{i}]";
            if (Rollback[i] is not { } step)
            {
                validation.Add(path, "A step object is required.");
                continue;
            }

            if (!DrillStepKinds.AllowedInRollback.Contains(DrillStepKinds.Of(step)))
            {
                validation.Add($"{path}.Kind", $"A rollback only takes chaos away: {string.Join(", ", DrillStepKinds.AllowedInRollback)}.");
            }
            else if (step is WaitStep { Rest: true })
            {
                validation.Add($"{path}.Rest", "A rollback waits fixed Seconds: the run's time is over.");
            }
            else
            {
                step.Validate(validation, path);
            }
        }
    }

    private static void Text(DrillValidation validation, string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > maxLength || value.Any(c => char.IsControl(c) && c is not '\n'))
        {
            validation.Add(field, $"Required: 1 to {maxLength} characters, no control characters but line breaks.");
        }
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KebabName();
}
