using System.Globalization;

namespace AtlasBank.Chaos.Tests;

/// <summary>
/// A resource's <c>/metrics</c> from every replica, as Prometheus sees them: counters count what their own replica
/// did, so a total is their sum; a gauge every replica reports from shared state must read the same on each.
/// </summary>
public sealed class ReplicaMetrics(AtlasAppFixture fixture, string resource = "chaos-manager")
{
    /// <summary>Each replica's page, in replica order.</summary>
    public async Task<IReadOnlyList<string>> PagesAsync()
    {
        var replicas = await fixture.ReplicasAsync(resource);
        return await Task.WhenAll(replicas.Select(async replica =>
        {
            using var client = AtlasAppFixture.CreateReplicaClient(replica.Address, apiKey: null);
            return await client.GetStringAsync("/metrics");
        })).WaitAsync(AtlasAppFixture.RequestTimeout);
    }

    /// <summary>One page with every series summed over the replicas (sum() in PromQL): for counters and histograms.</summary>
    public async Task<string> SummedAsync()
    {
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var page in await PagesAsync())
        {
            foreach (var line in page.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Length > 0 && !line.StartsWith('#')))
            {
                var split = line.LastIndexOf(' ');
                var series = line[..split];
                var value = double.Parse(line[(split + 1)..].Replace("+Inf", "Infinity", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture);
                totals[series] = totals.GetValueOrDefault(series) + value;
            }
        }

        return string.Join('\n', totals.Select(total => $"{total.Key} {total.Value.ToString("R", CultureInfo.InvariantCulture)}"));
    }

    /// <summary>The series' value on each replica (null where a replica has none).</summary>
    public async Task<IReadOnlyList<double?>> OnEachAsync(string name, params string[] labels) =>
        [.. (await PagesAsync()).Select(page => PrometheusText.Value(page, name, labels))];
}
