using System.Text.RegularExpressions;
using AtlasBank.Chaos.Manager.Drills.Probes;

namespace AtlasBank.Chaos.Manager.Drills;

/// <summary>The steady state the drill expects to hold: its probes, checked before, every <c>CheckIntervalSeconds</c> during, and after the method.</summary>
public sealed partial class DrillHypothesis
{
    public const int MaxProbes = 20;
    public const int MaxCheckIntervalSeconds = 300;

    public int CheckIntervalSeconds { get; init; } = 5;

    public DrillProbe?[]? Probes { get; init; }

    public void Validate(DrillValidation validation, string path)
    {
        if (CheckIntervalSeconds is < 1 or > MaxCheckIntervalSeconds)
        {
            validation.Add($"{path}.CheckIntervalSeconds", $"From 1 to {MaxCheckIntervalSeconds} seconds.");
        }

        if (Probes is not { Length: > 0 and <= MaxProbes })
        {
            validation.Add($"{path}.Probes", $"Required: 1 to {MaxProbes} probes; a drill without a hypothesis proves nothing.");
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Probes.Length; i++)
        {
            var probePath = $"{path}.Probes[{i}]";
            if (Probes[i] is not { } probe)
            {
                validation.Add(probePath, "A probe object is required.");
                continue;
            }

            if (probe.Name is null || !ProbeName().IsMatch(probe.Name))
            {
                validation.Add($"{probePath}.Name", "Required: 1 to 63 lower-case letters, digits and inner dashes; a failed check names the probe by it.");
            }
            else if (!names.Add(probe.Name))
            {
                validation.Add($"{probePath}.Name", $"'{probe.Name}' names another probe of this hypothesis too.");
            }

            probe.ValidatePhases(validation, probePath);
            probe.Validate(validation, probePath);
        }
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex ProbeName();
}
