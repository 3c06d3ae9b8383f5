namespace AtlasBank.Chaos.AppHost.Observability;

/// <summary>
/// The AppHost's <c>prometheus.yml</c>: one job per scraped resource, each fed by a file the AppHost rewrites as
/// replicas start and stop (file_sd), so every replica is its own target; the repository's rules loaded.
/// </summary>
public static class PrometheusConfig
{
    public static string Render(IReadOnlyList<string> jobs, TimeSpan scrapeInterval, string selfAddress)
    {
        var interval = PrometheusFolder.Seconds(scrapeInterval);
        // A scrape may not outlast its interval; 10 s (Prometheus' default) otherwise.
        var timeout = PrometheusFolder.Seconds(scrapeInterval < TimeSpan.FromSeconds(10) ? scrapeInterval : TimeSpan.FromSeconds(10));
        // Prometheus watches each targets file; the refresh is only the fallback where file events are lost.
        var scrapeJobs = jobs.Select(job => $"""
              - job_name: {job}
                metrics_path: /metrics
                file_sd_configs:
                  - files: ['{PrometheusFolder.TargetsFolderName}/{job}.json']
                    refresh_interval: {interval}
            """);
        return $"""
            # Written by the AtlasBank.Chaos AppHost at start; edits are overwritten.
            global:
              scrape_interval: {interval}
              scrape_timeout: {timeout}
              evaluation_interval: {interval}
            rule_files:
              - {PrometheusFolder.RulesFolderName}/*.yml
            scrape_configs:
              - job_name: prometheus
                static_configs:
                  - targets: ['{selfAddress}']
            {string.Join(Environment.NewLine, scrapeJobs)}

            """;
    }
}
