using System.Text.Json;
using System.Text.RegularExpressions;

namespace AtlasBank.Chaos.Tests.Observability;

/// <summary>
/// The Prometheus rule files, the Grafana dashboards and provisioning files under AtlasBank.Chaos.AppHost/Observability, read where they are
/// in the checkout the tests were built from (the nearest folder up holding AtlasBank.Chaos.sln), so a fresh clone
/// needs no copy step and the tests always see the files the AppHost mounts.
/// </summary>
public static partial class ObservabilityFiles
{
    public const string DatasourceUid = "atlas-prometheus";

    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    /// <summary>The checkout's root folder.</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>AtlasBank.Chaos.AppHost/Observability.</summary>
    public static string Folder => Path.Combine(RepositoryRoot, "AtlasBank.Chaos.AppHost", "Observability");

    /// <summary>AtlasBank.Chaos.AppHost/Observability/prometheus/rules: the alert rules Prometheus loads.</summary>
    public static string RulesFolder => Path.Combine(Folder, "prometheus", "rules");

    /// <summary>Every alert named in the rule files.</summary>
    public static IReadOnlyList<string> AlertNames() =>
        [.. Directory.EnumerateFiles(RulesFolder, "*.yml").SelectMany(File.ReadLines)
            .Select(line => AlertLine().Match(line)).Where(match => match.Success).Select(match => match.Groups[1].Value)];

    /// <summary>AtlasBank.Chaos.AppHost/Observability/grafana/dashboards: one JSON file per dashboard.</summary>
    public static string DashboardsFolder => Path.Combine(Folder, "grafana", "dashboards");

    /// <summary>AtlasBank.Chaos.AppHost/Observability/grafana/provisioning (datasources/, dashboards/).</summary>
    public static string GrafanaProvisioningFolder => Path.Combine(Folder, "grafana", "provisioning");

    /// <summary>Every dashboard file, by name.</summary>
    public static IReadOnlyList<string> DashboardFiles() =>
        [.. Directory.GetFiles(DashboardsFolder, "*.json").Order(StringComparer.Ordinal)];

    /// <summary>Every panel of every dashboard (rows' nested panels included, rows themselves left out).</summary>
    public static IEnumerable<(string Dashboard, JsonElement Panel)> Panels()
    {
        foreach (var file in DashboardFiles())
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            var title = document.RootElement.GetProperty("title").GetString()!;
            foreach (var panel in PanelsOf(document.RootElement))
            {
                yield return (title, panel.Clone());
            }
        }
    }

    /// <summary>Every query of every panel, as Prometheus gets it: one entry per target.</summary>
    public static IEnumerable<(string Dashboard, string PanelTitle, string Expr)> PanelExpressions()
    {
        foreach (var (dashboard, panel) in Panels())
        {
            var title = panel.GetProperty("title").GetString()!;
            foreach (var target in Targets(panel))
            {
                yield return (dashboard, title, target.TryGetProperty("expr", out var expr) ? expr.GetString() ?? "" : "");
            }
        }
    }

    public static IEnumerable<JsonElement> Targets(JsonElement panel) =>
        panel.TryGetProperty("targets", out var targets) ? targets.EnumerateArray() : [];

    public static IEnumerable<JsonElement> PanelsOf(JsonElement dashboardOrRow)
    {
        if (!dashboardOrRow.TryGetProperty("panels", out var panels))
        {
            yield break;
        }

        foreach (var panel in panels.EnumerateArray())
        {
            if (panel.GetProperty("type").GetString() == "row")
            {
                foreach (var nested in PanelsOf(panel))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return panel;
            }
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AtlasBank.Chaos.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No AtlasBank.Chaos.sln in {AppContext.BaseDirectory} or any folder above it.");
    }

    [GeneratedRegex(@"^\s*-\s*alert:\s*([A-Za-z0-9_]+)\s*$")]
    private static partial Regex AlertLine();
}
