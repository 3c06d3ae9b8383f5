using System.Globalization;

namespace AtlasBank.Chaos.AppHost.Observability;

/// <summary>What the AppHost's Prometheus scrapes, how often, with which rules, and where it listens.</summary>
public sealed record PrometheusSettings(IReadOnlyList<string> Jobs, TimeSpan ScrapeInterval, string RulesSource, int Port)
{
    public string Address => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public IEnumerable<string> ServerArguments(string configFile, string dataDirectory) =>
    [
        $"--config.file={configFile}",
        $"--storage.tsdb.path={dataDirectory}",
        // A run's metrics are evidence for that run only; the folder goes when the AppHost stops.
        "--storage.tsdb.retention.time=1d",
        $"--web.listen-address={Address}",
    ];
}
