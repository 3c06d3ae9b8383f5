using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.Contracts.Dr;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

/// <summary>Which request hosts belong to a chaos target.</summary>
public static class ChaosTargets
{
    /// <summary>
    /// The host names of chaos target <paramref name="experiment"/>: its name (<c>ledger</c>), its service-discovery
    /// name (<see cref="ApiName"/>), the host of its TargetUrl, configured aliases, and the built-in regional aliases
    /// (<see cref="DrRegions.ChaosAliases"/>: <c>ledger-region-a</c> is <c>ledgerapi</c>).
    /// </summary>
    public static IEnumerable<string> HostsOf(ChaosExperiment experiment, IReadOnlyDictionary<string, string[]> aliases)
    {
        yield return experiment.Service;
        yield return ApiName(experiment.Service);
        if (experiment.TargetUrl is { } target && Uri.TryCreate(target, UriKind.Absolute, out var uri))
        {
            yield return uri.Host;
        }

        if (aliases.TryGetValue(experiment.Service, out var extra))
        {
            foreach (var alias in extra)
            {
                yield return alias;
            }
        }

        if (DrRegions.ChaosAliases.TryGetValue(experiment.Service, out var regional))
        {
            foreach (var service in regional)
            {
                yield return service;
            }
        }
    }

    /// <summary>
    /// The service-discovery name of a chaos target: <c>ledger</c> → <c>ledgerapi</c>, <c>ledger-dr</c> →
    /// <c>ledgerapi-dr</c>; a region's ledger by its spec name: <c>ledger-region-b</c> → <c>ledgerapi-dr</c>.
    /// </summary>
    public static string ApiName(string service)
    {
        if (DrRegions.ChaosAliases.TryGetValue(service, out var regional))
        {
            return regional[0];
        }

        if (service.EndsWith("api", StringComparison.Ordinal) || service.Contains("api-", StringComparison.Ordinal))
        {
            return service;
        }

        var dash = service.IndexOf('-', StringComparison.Ordinal);
        return dash < 0 ? service + "api" : string.Concat(service.AsSpan(0, dash), "api", service.AsSpan(dash));
    }
}
