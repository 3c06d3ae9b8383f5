using System.Collections.Frozen;
using AtlasBank.Chaos.Contracts.Chaos;
using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

/// <summary>
/// This process's view of chaos state, read on every outgoing request without touching Redis. Fails safe:
/// an empty, stale or expired view injects nothing.
/// </summary>
public sealed class ChaosStateCache(IOptions<ChaosOptions> options, TimeProvider timeProvider)
{
    private volatile Snapshot _snapshot = Snapshot.Empty;

    public DateTimeOffset? LastSyncedAt => _snapshot.SyncedAt == DateTimeOffset.MinValue ? null : _snapshot.SyncedAt;

    /// <summary>The active experiment whose target the request goes to, or null. Allocation-free when chaos is off.</summary>
    public ChaosExperiment? Match(Uri? requestUri)
    {
        var snapshot = _snapshot;
        if (snapshot.ByHost.Count == 0 || requestUri is null || !options.Value.Enabled)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        if (now - snapshot.SyncedAt > options.Value.StaleAfter)
        {
            return null;
        }

        return snapshot.ByHost.TryGetValue(requestUri.Host, out var experiment) && experiment.IsActiveAt(now)
            ? experiment
            : null;
    }

    /// <summary>Replaces the view with what Redis holds now.</summary>
    public void Apply(IEnumerable<ChaosExperiment> experiments)
    {
        var now = timeProvider.GetUtcNow();
        var active = experiments.Where(experiment => experiment.IsActiveAt(now)).OrderBy(experiment => experiment.Service, StringComparer.Ordinal).ToArray();
        var byHost = new Dictionary<string, ChaosExperiment>(StringComparer.OrdinalIgnoreCase);
        foreach (var experiment in active)
        {
            foreach (var host in ChaosTargets.HostsOf(experiment, options.Value.Aliases))
            {
                byHost.TryAdd(host, experiment);
            }
        }

        _snapshot = new Snapshot(byHost.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), now);
    }

    /// <summary>Forgets everything: used when Redis cannot be reached.</summary>
    public void Clear() => _snapshot = Snapshot.Empty;

    private sealed record Snapshot(FrozenDictionary<string, ChaosExperiment> ByHost, DateTimeOffset SyncedAt)
    {
        public static readonly Snapshot Empty = new(FrozenDictionary<string, ChaosExperiment>.Empty, DateTimeOffset.MinValue);
    }
}
