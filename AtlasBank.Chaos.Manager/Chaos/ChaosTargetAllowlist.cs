using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.ServiceDefaults.Chaos;
using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Manager.Chaos;

/// <summary>
/// The hosts an experiment's <c>TargetUrl</c> may name, because the inject probe calls it from the manager's
/// network position: the services the manager knows through service discovery (<c>services:{name}</c>), the
/// configured chaos aliases, and <c>ChaosManager:AllowedTargetHosts</c>. Everything else — IP literals (the
/// metadata address, loopback, private ranges) and unknown names — is refused, so the probe cannot be turned
/// into a scanner of the manager's network.
/// </summary>
public sealed class ChaosTargetAllowlist
{
    private readonly HashSet<string> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public ChaosTargetAllowlist(IConfiguration configuration, IOptions<ChaosOptions> chaos, IOptions<ChaosManagerOptions> manager)
    {
        _hosts.UnionWith(configuration.GetSection("services").GetChildren().Select(service => service.Key));
        _hosts.UnionWith(chaos.Value.Aliases.Values.SelectMany(aliases => aliases));
        _hosts.UnionWith(manager.Value.AllowedTargetHosts);
        KnownServices = [.. _hosts.Select(ServiceOf).OfType<string>()
            .Concat(chaos.Value.Aliases.Keys.Select(ChaosRequestValidator.NormalizeServiceName).OfType<string>())
            .Concat(DrRegions.ChaosAliases.Keys)
            .Where(ChaosRequestValidator.IsValidServiceName)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The chaos targets the manager knows by name, for the metrics that start at zero: each allowed service under
    /// its chaos name (<c>ledgerapi</c> is <c>ledger</c>, <c>ledgerapi-dr</c> is <c>ledger-dr</c>, <c>paymentsapi</c>
    /// is <c>payments</c>), the regional ledgers (<c>ledger-region-a</c>) and the targets of configured aliases.
    /// Hosts that are not service names (<c>localhost</c>, IP addresses) name no target.
    /// </summary>
    public IReadOnlyList<string> KnownServices { get; }

    public bool Allows(Uri target) => _hosts.Contains(target.IdnHost);

    /// <summary>The inverse of <see cref="ChaosTargets.ApiName"/>: <c>ledgerapi-dr</c> → <c>ledger-dr</c>; null for other hosts.</summary>
    private static string? ServiceOf(string host)
    {
        var name = host.ToLowerInvariant();
        if (name.EndsWith("api", StringComparison.Ordinal) && name.Length > 3)
        {
            return name[..^3];
        }

        var api = name.IndexOf("api-", StringComparison.Ordinal);
        return api > 0 ? string.Concat(name.AsSpan(0, api), name.AsSpan(api + 3)) : null;
    }
}
