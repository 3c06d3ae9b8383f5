namespace AtlasBank.Chaos.Nemesis;

/// <summary>
/// What the nemesis does at one step. A fault that has an end toggles: the step freezes a running server and thaws a
/// frozen one, pauses replication that runs and resumes paused replication, and so on, so any list of steps is a
/// valid schedule (and a shrunk list still is). The DR calls are made as an operator would, whatever the state.
/// </summary>
public enum NemesisFault
{
    /// <summary>SIGSTOP (or SIGCONT) region A's PostgreSQL: the postmaster and every backend.</summary>
    FreezeRegionADatabase,

    /// <summary>SIGSTOP (or SIGCONT) region B's PostgreSQL.</summary>
    FreezeRegionBDatabase,

    /// <summary>Stop (or start) region A's PostgreSQL through its resource command.</summary>
    StopRegionADatabase,

    /// <summary>Stop (or start) region B's PostgreSQL.</summary>
    StopRegionBDatabase,

    /// <summary><c>ALTER SUBSCRIPTION … DISABLE</c> (or ENABLE) on region B.</summary>
    PauseReplication,

    /// <summary>Region A's <c>synchronous_standby_names</c> names region B's subscription (or nothing).</summary>
    SyncMode,

    /// <summary>SIGKILL (or start again) the first manager replica.</summary>
    KillManagerReplica1,

    /// <summary>SIGKILL (or start again) the second manager replica.</summary>
    KillManagerReplica2,

    /// <summary>SIGSTOP (or SIGCONT) redis-server.</summary>
    FreezeRedis,

    /// <summary><c>POST /dr/failover</c>: moves the writer to the other region (a second one moves it back).</summary>
    Failover,

    /// <summary><c>POST /dr/failback</c>: brings the writer home.</summary>
    Failback,

    /// <summary><c>POST /dr/reconcile</c>: re-applies the last failover's stranded transfers.</summary>
    Reconcile,

    /// <summary>
    /// A failover (region A writing) or failback (region B writing) sent to one manager replica in slow motion (1 s
    /// after each step is recorded), and that replica SIGKILLed 1–10 s later (from the step's delay): at whichever step
    /// it has reached. The other replica must take it over; the heal starts the killed one again.
    /// </summary>
    KillCoordinatorMidSwitch,

    /// <summary><c>DEL chaos:dr:routing</c> in Redis, as a restart without persistence would: the routing must be rebuilt from the databases.</summary>
    LoseRouting,
}
