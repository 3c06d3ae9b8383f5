using System.Text.Json;
using System.Text.RegularExpressions;
using AtlasBank.Chaos.Manager.Drills.Probes;
using AtlasBank.Chaos.Manager.Drills.Steps;

namespace AtlasBank.Chaos.Manager.Drills;

/// <summary>
/// Reads every <c>*.json</c> of the given folders as a drill definition and checks it. Collects every problem of
/// every file — unreadable JSON, unknown fields or kinds, bad values, one name in two files — and throws them all
/// at once, each naming its file and field, so one start shows the operator everything to fix.
/// </summary>
public static partial class DrillLoader
{
    public const int MaxFileBytes = 256 * 1024;

    public static DrillCatalog Load(IEnumerable<string> folders, DrillRules rules)
    {
        var errors = new List<DrillFileError>();
        var drills = new List<DrillDefinition>();
        var fileOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder))
            {
                errors.Add(new DrillFileError(folder, "$", "The folder does not exist."));
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
            {
                var (drill, fileErrors) = LoadFile(file, rules);
                errors.AddRange(fileErrors);
                if (drill is null)
                {
                    continue;
                }

                if (fileOf.TryGetValue(drill.Name!, out var first))
                {
                    errors.Add(new DrillFileError(file, "$.Name", $"'{drill.Name}' is already the name of the drill in {first}; names are unique across files."));
                    continue;
                }

                fileOf[drill.Name!] = file;
                drills.Add(drill);
            }
        }

        return errors.Count > 0 ? throw new DrillDefinitionException(errors) : new DrillCatalog(drills);
    }

    /// <summary>One file: its drill when it is valid, else null and every problem found.</summary>
    public static (DrillDefinition? Drill, IReadOnlyList<DrillFileError> Errors) LoadFile(string file, DrillRules rules)
    {
        DrillDefinition? drill;
        try
        {
            var bytes = File.ReadAllBytes(file);
            if (bytes.Length > MaxFileBytes)
            {
                return (null, [new DrillFileError(file, "$", $"The file is larger than {MaxFileBytes} bytes.")]);
            }

            drill = JsonSerializer.Deserialize<DrillDefinition>(bytes, DrillJson.Options);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            var (field, message) = Describe(ex);
            return (null, [new DrillFileError(file, field, message)]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, [new DrillFileError(file, "$", $"The file could not be read: {ex.Message}")]);
        }

        if (drill is null)
        {
            return (null, [new DrillFileError(file, "$", "A drill object is required, not null.")]);
        }

        var problems = DrillValidation.Of(drill, rules);
        return problems.Count == 0
            ? (drill, [])
            : (null, [.. problems.SelectMany(problem => problem.Value.Select(message => new DrillFileError(file, problem.Key, message)))]);
    }

    /// <summary>System.Text.Json's failure as the field it concerns and a message in our words.</summary>
    private static (string Field, string Message) Describe(Exception ex)
    {
        var path = ex is JsonException { Path: { } jsonPath } ? jsonPath : PathInMessage().Match(ex.Message) is { Success: true } match ? match.Groups[1].Value : "$";
        var isProbe = path.Contains(".Probes[", StringComparison.Ordinal);
        var kinds = string.Join(", ", isProbe ? DrillProbeKinds.All : DrillStepKinds.All);
        if (ex.Message.Contains("unrecognized type discriminator", StringComparison.Ordinal))
        {
            var kind = QuotedValue().Match(ex.Message) is { Success: true } quoted ? quoted.Groups[1].Value : "?";
            return ($"{path}.Kind", $"Unknown {(isProbe ? "probe" : "step")} kind '{kind}'; known kinds: {kinds}.");
        }

        if (ex is NotSupportedException && ex.Message.Contains("type discriminator", StringComparison.Ordinal))
        {
            return ($"{path}.Kind", $"Required (spelt Kind): one of {kinds}.");
        }

        if (ex.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return (path, "Unknown field.");
        }

        if (ex.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            return (path, "The field appears more than once.");
        }

        return ex.Message.Contains("could not be converted", StringComparison.Ordinal)
            ? (path, "A value of the wrong type for this field.")
            : (path, $"Not valid JSON here: {FirstSentence(ex.Message)}");
    }

    private static string FirstSentence(string message) => message.Split(" Path:", 2)[0];

    [GeneratedRegex(@"Path: (\$[^ |]*)")]
    private static partial Regex PathInMessage();

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex QuotedValue();
}
