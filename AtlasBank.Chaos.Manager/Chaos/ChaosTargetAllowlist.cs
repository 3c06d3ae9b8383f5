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
    }

    public bool Allows(Uri target) => _hosts.Contains(target.IdnHost);
}
