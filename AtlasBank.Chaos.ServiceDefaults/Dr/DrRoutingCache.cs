using AtlasBank.Chaos.Contracts.Dr;

namespace AtlasBank.Chaos.ServiceDefaults.Dr;

/// <summary>
/// This process's view of which region is active, read on every outgoing ledger call and every ledger write without
/// touching Redis. Fail-static: losing Redis never clears it, the last known region stays (the chaos view does the
/// opposite, because no chaos is its safe state; here no routing would mean the wrong writer). It only moves forward:
/// a state with an epoch no higher than the one held is ignored, so a late or replayed message cannot undo a failover.
/// </summary>
public sealed class DrRoutingCache(TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private volatile DrRoutingView _view = DrRoutingView.Assumed;

    /// <summary>Everything below read at once, for a reader that needs them consistent with each other.</summary>
    public DrRoutingView View => _view;

    /// <summary>The routing state in force here: <see cref="DrRoutingState.Home"/> until one is read.</summary>
    public DrRoutingState Current => _view.State;

    /// <summary>Whether a state has been read (from Redis) at least once; false means <see cref="Current"/> is the assumed home.</summary>
    public bool Known => _view.Known;

    /// <summary>Bumped by every state this cache takes; a reader that remembers it can tell that something changed.</summary>
    public long Version => _view.Version;

    /// <summary>Raised after the cache takes a new state (outside its lock), with that state.</summary>
    public event Action<DrRoutingState>? Changed;

    /// <summary>
    /// Takes <paramref name="state"/> when nothing has been read yet or its epoch is higher than the one held;
    /// otherwise keeps what it has. True when it took it.
    /// </summary>
    public bool Apply(DrRoutingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_gate)
        {
            var view = _view;
            if (view.Known && state.Epoch <= view.State.Epoch)
            {
                return false;
            }

            _view = new DrRoutingView(state, true, view.Version + 1, timeProvider.GetUtcNow());
        }

        Changed?.Invoke(state);
        return true;
    }

    /// <summary>As <see cref="Apply"/>, from the JSON Redis holds; JSON that is not a routing state changes nothing (false).</summary>
    public bool ApplyJson(string? json) => DrRoutingState.TryParse(json) is { } state && Apply(state);
}

/// <summary>One moment of <see cref="DrRoutingCache"/>.</summary>
/// <param name="State">The routing state in force.</param>
/// <param name="Known">It was read from Redis; false: the assumed <see cref="DrRoutingState.Home"/>.</param>
/// <param name="Version">How many states the cache has taken.</param>
/// <param name="AppliedAt">When this process took <paramref name="State"/>; null while it is assumed.</param>
public sealed record DrRoutingView(DrRoutingState State, bool Known, long Version, DateTimeOffset? AppliedAt)
{
    public static DrRoutingView Assumed { get; } = new(DrRoutingState.Home, false, 0, null);
}
