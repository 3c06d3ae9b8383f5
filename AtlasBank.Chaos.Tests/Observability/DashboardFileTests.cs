using System.Text.Json;

namespace AtlasBank.Chaos.Tests.Observability;

/// <summary>The dashboard files as Grafana and Prometheus will read them; no app needed.</summary>
public sealed class DashboardFileTests
{
    public static TheoryData<string, string, string> Dashboards => new()
    {
        { "chaos-engineering-overview.json", "atlas-chaos-overview", "Chaos Engineering Overview" },
        { "dr-validation.json", "atlas-dr-validation", "DR Validation" },
        { "service-resilience.json", "atlas-service-resilience", "Service Resilience" },
    };

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void EachDashboardKeepsItsUidTitleAndTags(string file, string uid, string title)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(ObservabilityFiles.DashboardsFolder, file)));
        var root = document.RootElement;

        Assert.Equal(uid, root.GetProperty("uid").GetString());
        Assert.Equal(title, root.GetProperty("title").GetString());
        Assert.Equal(["atlasbank", "chaos"], root.GetProperty("tags").EnumerateArray().Select(tag => tag.GetString()));
        Assert.NotEmpty(ObservabilityFiles.PanelsOf(root));
    }

    [Fact]
    public void TheFolderHoldsExactlyTheThreeDashboards()
    {
        Assert.Equal(
            Dashboards.Select(row => (string)row[0]).Order(StringComparer.Ordinal),
            ObservabilityFiles.DashboardFiles().Select(Path.GetFileName));
    }

    [Fact]
    public void EveryPanelAndEveryTargetQueriesTheAtlasPrometheusDatasource()
    {
        Assert.All(ObservabilityFiles.Panels(), entry =>
        {
            var (dashboard, panel) = entry;
            var name = $"{dashboard} / {panel.GetProperty("title").GetString()}";
            Assert.True(IsAtlasPrometheus(panel), $"{name}: panel datasource");
            Assert.All(ObservabilityFiles.Targets(panel), target => Assert.True(IsAtlasPrometheus(target), $"{name}: target datasource"));
        });
    }

    [Fact]
    public void EveryPanelHasAQuery()
    {
        Assert.All(ObservabilityFiles.Panels(), entry =>
        {
            var (dashboard, panel) = entry;
            var expressions = ObservabilityFiles.Targets(panel)
                .Select(target => target.TryGetProperty("expr", out var expr) ? expr.GetString() : null);
            Assert.True(expressions.Any(expr => !string.IsNullOrWhiteSpace(expr)), $"{dashboard} / {panel.GetProperty("title").GetString()} has no query");
        });
    }

    [Fact]
    public void NoQueryUsesAGrafanaVariableSoPrometheusCanRunEachAsIs()
    {
        Assert.All(ObservabilityFiles.PanelExpressions(), entry =>
            Assert.False(entry.Expr.Contains('$', StringComparison.Ordinal), $"{entry.Dashboard} / {entry.PanelTitle}: {entry.Expr}"));
    }

    [Fact]
    public void PanelIdsAreUniqueWithinEachDashboard()
    {
        Assert.All(ObservabilityFiles.Panels().GroupBy(entry => entry.Dashboard), dashboard =>
        {
            var ids = dashboard.Select(entry => entry.Panel.GetProperty("id").GetInt32()).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
        });
    }

    [Fact]
    public void GrafanaProvisioningNamesTheDatasourceUidItsUrlVariableAndTheFolderTheDashboardsAreMountedIn()
    {
        var datasource = File.ReadAllText(Path.Combine(ObservabilityFiles.GrafanaProvisioningFolder, "datasources", "prometheus.yml"));
        var dashboards = File.ReadAllText(Path.Combine(ObservabilityFiles.GrafanaProvisioningFolder, "dashboards", "atlasbank.yml"));

        Assert.Contains($"uid: {ObservabilityFiles.DatasourceUid}", datasource, StringComparison.Ordinal);
        // The AppHost hands the Grafana container its Prometheus address in this variable.
        Assert.Contains("url: ${ATLAS_PROMETHEUS_URL}", datasource, StringComparison.Ordinal);
        Assert.Contains("path: /var/lib/grafana/dashboards", dashboards, StringComparison.Ordinal);
    }

    private static bool IsAtlasPrometheus(JsonElement element) =>
        element.TryGetProperty("datasource", out var datasource)
        && datasource.ValueKind == JsonValueKind.Object
        && datasource.TryGetProperty("type", out var type) && type.GetString() == "prometheus"
        && datasource.TryGetProperty("uid", out var uid) && uid.GetString() == ObservabilityFiles.DatasourceUid;
}
