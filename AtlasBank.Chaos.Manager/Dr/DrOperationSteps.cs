namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// The steps of one failover or failback as its coordinator runs them: each written to the journal before it runs,
/// and only while this replica still holds the lease. A step marked as the commit is the point of no return: a
/// takeover finishes an operation that reached it and undoes one that did not.
/// </summary>
public sealed class DrOperationSteps(DrJournal journal, DrLock held, string failoverId, TimeSpan pause, TimeProvider timeProvider)
{
    public bool Committed { get; private set; }

    public async Task NextAsync(string step, bool commit = false)
    {
        held.ThrowIfLost();
        await journal.StepAsync(failoverId, step, commit);
        Committed |= commit;
        await PauseAsync();
    }

    /// <summary>A rehearsal's slow motion, after a step is recorded and before it runs; then the lease is checked again.</summary>
    public async Task PauseAsync()
    {
        if (pause > TimeSpan.Zero)
        {
            await Task.Delay(pause, timeProvider);
        }

        held.ThrowIfLost();
    }
}

/// <summary>The journal's names for the steps, in the order they run.</summary>
public static class DrStepNames
{
    public const string SwitchRouting = "switch-routing";
    public const string Fence = "fence";
    public const string Promote = "promote";
    public const string Grant = "grant";
    public const string Route = "route";

    public const string FenceHome = "fence-home";
    public const string Reconcile = "reconcile";
    public const string Rebuild = "rebuild";
    public const string Subscribe = "subscribe";

    public static readonly IReadOnlyList<string> Failover = [SwitchRouting, Fence, Promote, Grant, Route];

    public static readonly IReadOnlyList<string> Failback = [Reconcile, SwitchRouting, Fence, Rebuild, Subscribe, Grant, Route];

    /// <summary>Whether an operation of <paramref name="kind"/> recorded at <paramref name="step"/> passed its point of no return.</summary>
    public static bool Committed(string kind, string step) => kind == FailoverKinds.Failover
        ? step is Promote or Grant or Route
        : step is Grant or Route;
}
