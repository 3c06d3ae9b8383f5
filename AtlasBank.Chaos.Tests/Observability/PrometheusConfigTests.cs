using AtlasBank.Chaos.AppHost.Observability;

namespace AtlasBank.Chaos.Tests.Observability;

/// <summary>The configuration the AppHost writes for its Prometheus, checked by promtool as Prometheus would load it.</summary>
public sealed class PrometheusConfigTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("atlasbank-prometheus-config-").FullName;

    [Fact]
    public async Task TheAppHostsPrometheusConfigurationWithTheRepositorysRulesPassesPromtoolCheckConfig()
    {
        var folder = new PrometheusFolder(_folder);
        var settings = new PrometheusSettings(["chaos-manager", "chaos-agent", "ledgerapi", "ledgerapi-dr"], TimeSpan.FromSeconds(15), ObservabilityFiles.RulesFolder, 9090);

        await folder.PrepareAsync(settings, CancellationToken.None);
        var (exitCode, output) = await Promtool.RunAsync(_folder, "check", "config", PrometheusFolder.ConfigFileName);

        Assert.True(exitCode == 0, $"promtool check config exited with {exitCode}:\n{output}\n{await File.ReadAllTextAsync(folder.ConfigFile)}");
        // promtool names each rule file it checked: every one of the repository's, copied beside the configuration.
        Assert.All(Directory.GetFiles(ObservabilityFiles.RulesFolder, "*.yml"), rules => Assert.Contains(Path.GetFileName(rules), output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AOneSecondScrapeIntervalKeepsTheScrapeTimeoutWithinItSoPrometheusAcceptsTheConfiguration()
    {
        var folder = new PrometheusFolder(_folder);
        var settings = new PrometheusSettings(["chaos-manager"], TimeSpan.FromSeconds(1), ObservabilityFiles.RulesFolder, 9090);

        await folder.PrepareAsync(settings, CancellationToken.None);
        var (exitCode, output) = await Promtool.RunAsync(_folder, "check", "config", PrometheusFolder.ConfigFileName);

        Assert.True(exitCode == 0, $"promtool check config exited with {exitCode}:\n{output}");
        var config = await File.ReadAllTextAsync(folder.ConfigFile);
        Assert.Contains("scrape_interval: 1s", config, StringComparison.Ordinal);
        Assert.Contains("scrape_timeout: 1s", config, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
