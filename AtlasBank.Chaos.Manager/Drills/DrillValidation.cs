using AtlasBank.Chaos.Manager.Chaos;

namespace AtlasBank.Chaos.Manager.Drills;

/// <summary>
/// One drill being checked: the rules, what is known about its method so far, and every problem found, keyed by
/// its JSON path (<c>$.Method[2].Seconds</c>) so the message names the field in the file.
/// </summary>
public sealed class DrillValidation(DrillRules rules)
{
    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public ChaosManagerOptions Limits => rules.Limits;

    public ChaosTargetAllowlist Targets => rules.Targets;

    public DrillOptions Options => rules.Options;

    /// <summary>Whether the method has a workload step: workload and invariants probes need one.</summary>
    public bool RunsWorkload { get; set; }

    public void Add(string field, string message) =>
        Errors[field] = Errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

    /// <summary>Every problem of <paramref name="drill"/>; empty when it may be loaded.</summary>
    public static Dictionary<string, string[]> Of(DrillDefinition drill, DrillRules rules)
    {
        var validation = new DrillValidation(rules);
        drill.Validate(validation);
        return validation.Errors;
    }
}
