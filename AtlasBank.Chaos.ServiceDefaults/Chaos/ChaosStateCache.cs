using System.Collections.Frozen;
using AtlasBank.Chaos.Contracts.Chaos;
using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

/// <summary>
/// This process's view of chaos state, read on every outgoing request without touching Redis. Fails safe:
/// an empty, stale or expired view injects nothing. An experiment that leaves the view — disabled, replaced,
/// the view cleared, <see cref="ChaosOptions.Enabled"/> switched off — or whose lease passes ends at once, in-flight
/// delays included (<see cref="ActiveChaosExperiment.Ended"/>).
/// </summary>
public sealed class ChaosStateCache : IDisposable
{
    private readonly TimeProvider _timeProvider;
    private readonly IOptionsMonitor<ChaosOptions>? _monitor;
    private readonly IDisposable? _optionsChanged;
    private readonly Lock _gate = new();
    private volatile ChaosOptions _options; // what Match reads: the monitor's value as of its last change
    private volatile Snapshot _snapshot = Snapshot.Empty;

    /// <summary>Follows <c>Chaos</c> configuration as it changes: switching <see cref="ChaosOptions.Enabled"/> off ends every experiment here.</summary>
    public ChaosStateCache(IOptionsMonitor<ChaosOptions> options, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _monitor = options;
        _options = options.CurrentValue;
        _optionsChanged = options.OnChange(OnOptionsChanged);
    }

    /// <summary>Fixed options, for code that builds the cache by hand (tests, benchmarks).</summary>
    public ChaosStateCache(IOptions<ChaosOptions> options, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _options = options.Value;
    }

    public DateTimeOffset? LastSyncedAt => _snapshot.SyncedAt == DateTimeOffset.MinValue ? null : _snapshot.SyncedAt;

    /// <summary>The active experiment whose target the request goes to, or null. Allocation-free when chaos is off.</summary>
    public ChaosExperiment? Match(Uri? requestUri) => MatchActive(requestUri)?.Experiment;

    /// <summary>As <see cref="Match"/>, with the experiment's end, which its injected delays wait on.</summary>
    public ActiveChaosExperiment? MatchActive(Uri? requestUri)
    {
        var snapshot = _snapshot;
        if (snapshot.ByHost.Count == 0 || requestUri is null)
        {
            return null;
        }

        var options = _options;
        var now = _timeProvider.GetUtcNow();
        if (!options.Enabled || now - snapshot.SyncedAt > options.StaleAfter)
        {
            return null;
        }

        return snapshot.ByHost.TryGetValue(requestUri.Host, out var active) && active.Experiment.IsActiveAt(now)
            ? active
            : null;
    }

    /// <summary>
    /// Replaces the view with what Redis holds now. An experiment that is still there unchanged keeps running (its
    /// delays too); one that is gone or changed ends. With chaos switched off for this service the view stays empty.
    /// </summary>
    public void Apply(IEnumerable<ChaosExperiment> experiments)
    {
        List<ActiveChaosExperiment> ended;
        lock (_gate)
        {
            // The monitor's own value, not _options: whichever change listener runs first, a flip is seen here.
            var options = _monitor?.CurrentValue ?? _options;
            var now = _timeProvider.GetUtcNow();
            var previous = _snapshot.Experiments;
            var active = options.Enabled
                ? experiments.Where(experiment => experiment.IsActiveAt(now))
                    .OrderBy(experiment => experiment.Service, StringComparer.Ordinal)
                    .Select(experiment => Keep(previous, experiment) ?? new ActiveChaosExperiment(experiment, _timeProvider))
                    .ToArray()
                : [];
            var byHost = new Dictionary<string, ActiveChaosExperiment>(StringComparer.OrdinalIgnoreCase);
            foreach (var experiment in active)
            {
                foreach (var host in ChaosTargets.HostsOf(experiment.Experiment, options.Aliases))
                {
                    byHost.TryAdd(host, experiment);
                }
            }

            _snapshot = new Snapshot(byHost.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), active, now);
            ended = [.. previous.Where(experiment => !active.Contains(experiment))];
        }

        End(ended);
    }

    /// <summary>Forgets everything and ends every experiment: used when Redis cannot be reached, and on shutdown.</summary>
    public void Clear()
    {
        ActiveChaosExperiment[] ended;
        lock (_gate)
        {
            ended = _snapshot.Experiments;
            _snapshot = Snapshot.Empty;
        }

        End(ended);
    }

    public void Dispose() => _optionsChanged?.Dispose();

    private static ActiveChaosExperiment? Keep(ActiveChaosExperiment[] previous, ChaosExperiment experiment) =>
        Array.Find(previous, held => !held.HasEnded && held.Experiment == experiment);

    private static void End(IEnumerable<ActiveChaosExperiment> experiments)
    {
        foreach (var experiment in experiments)
        {
            experiment.End();
        }
    }

    private void OnOptionsChanged(ChaosOptions options)
    {
        _options = options;
        if (!options.Enabled)
        {
            Clear();
        }
    }

    private sealed record Snapshot(FrozenDictionary<string, ActiveChaosExperiment> ByHost, ActiveChaosExperiment[] Experiments, DateTimeOffset SyncedAt)
    {
        public static readonly Snapshot Empty = new(FrozenDictionary<string, ActiveChaosExperiment>.Empty, [], DateTimeOffset.MinValue);
    }
}
