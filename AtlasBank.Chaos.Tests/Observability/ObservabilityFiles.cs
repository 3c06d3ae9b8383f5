using System.Text.Json;
using System.Text.RegularExpressions;

namespace AtlasBank.Chaos.Tests.Observability;

/// <summary>The repository's rule files and dashboards, found from the test's folder up to the solution.</summary>
public static partial class ObservabilityFiles
{
    public static string Root { get; } = FindRoot();

    public static string RulesFolder => Path.Combine(Root, "AtlasBank.Chaos.AppHost", "Observability", "prometheus", "rules");

    public static string DashboardsFolder => Path.Combine(Root, "AtlasBank.Chaos.AppHost", "Observability", "grafana", "dashboards");

    public static IReadOnlyList<string> AlertNames() =>
        [.. Directory.EnumerateFiles(RulesFolder, "*.yml").SelectMany(File.ReadLines)
            .Select(line => AlertLine().Match(line)).Where(match => match.Success).Select(match => match.Groups[1].Value)];

    public static IEnumerable<(string Dashboard, string Panel, string Expression)> PanelExpressions()
    {
        foreach (var file in Directory.EnumerateFiles(DashboardsFolder, "*.json").Order(StringComparer.Ordinal))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            var title = document.RootElement.GetProperty("title").GetString()!;
            foreach (var panel in Panels(document.RootElement))
            {
                if (!panel.TryGetProperty("targets", out var targets))
                {
                    continue;
                }

                foreach (var target in targets.EnumerateArray())
                {
                    if (target.TryGetProperty("expr", out var expr) && expr.GetString() is { Length: > 0 } expression)
                    {
                        yield return (title, panel.GetProperty("title").GetString()!, expression);
                    }
                }
            }
        }
    }

    private static IEnumerable<JsonElement> Panels(JsonElement container) =>
        container.TryGetProperty("panels", out var panels)
            ? panels.EnumerateArray().SelectMany(panel => Panels(panel).Prepend(panel))
            : [];

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AtlasBank.Chaos.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"AtlasBank.Chaos.sln not found above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^\s*-\s*alert:\s*([A-Za-z0-9_]+)\s*$")]
    private static partial Regex AlertLine();
}
