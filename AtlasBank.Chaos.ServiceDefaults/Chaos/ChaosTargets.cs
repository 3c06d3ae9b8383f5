using AtlasBank.Chaos.Contracts.Chaos;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

/// <summary>Which request hosts belong to a chaos target.</summary>
public static class ChaosTargets
{
    /// <summary>
    /// The host names of chaos target <paramref name="experiment"/>: its name (<c>ledger</c>), the name with
    /// "api" after its first segment (<c>ledgerapi</c>; <c>ledger-dr</c> → <c>ledgerapi-dr</c>), the host of its
    /// TargetUrl, and configured aliases.
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
    }

    /// <summary>The service-discovery name of a chaos target: <c>ledger</c> → <c>ledgerapi</c>.</summary>
    public static string ApiName(string service)
    {
        if (service.EndsWith("api", StringComparison.Ordinal) || service.Contains("api-", StringComparison.Ordinal))
        {
            return service;
        }

        var dash = service.IndexOf('-', StringComparison.Ordinal);
        return dash < 0 ? service + "api" : string.Concat(service.AsSpan(0, dash), "api", service.AsSpan(dash));
    }
}
