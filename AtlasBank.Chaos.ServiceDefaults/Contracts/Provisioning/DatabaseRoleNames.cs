namespace AtlasBank.Chaos.Contracts.Provisioning;

/// <summary>The PostgreSQL roles the provisioning creates and the AppHost's logins name (README, "Database roles").</summary>
public static class DatabaseRoleNames
{
    /// <summary>NOLOGIN; owns the ledger tables on primary and DR.</summary>
    public const string LedgerOwner = "ledger_owner";

    /// <summary>
    /// Each region's ledger, on its own server: connects and reads; it writes only while it is a member of
    /// <see cref="LedgerWriter"/> (the region that is the writer). No DDL.
    /// </summary>
    public const string LedgerApp = "ledger_app";

    /// <summary>
    /// NOLOGIN, on both servers: what LedgerStore writes (INSERT on the ledger tables, UPDATE of a balance). Granted
    /// to <see cref="LedgerApp"/> in the writing region only; the failover's fence revokes it.
    /// </summary>
    public const string LedgerWriter = "ledger_writer";

    /// <summary>
    /// The manager's failover controller, on both servers: reads and rebuilds the ledger tables, and runs the
    /// superuser-owned <c>dr.*</c> functions (fence, grant, slot, subscription) and nothing else.
    /// </summary>
    public const string DrController = "ledger_dr_controller";

    /// <summary>REPLICATION, SELECT on the published tables: the DR subscription's connection to the primary.</summary>
    public const string LedgerReplicator = "ledger_replicator";

    /// <summary><c>pg_monitor</c>, no table rights: the DR ledger's view of the primary's WAL and slots.</summary>
    public const string LedgerMonitor = "ledger_monitor";

    /// <summary>
    /// Retired: the DR ledger's former read-only login. DR's ledger logs in as <see cref="LedgerApp"/> now (so it can
    /// be promoted); provisioning drops this role where an older run left it.
    /// </summary>
    public const string RetiredLedgerReader = "ledger_reader";

    /// <summary>
    /// The drills' invariant checker, on primary and DR: SELECT on the three ledger tables, every transaction
    /// read-only; independent evidence of what the ledger service did.
    /// </summary>
    public const string LedgerAuditor = "ledger_auditor";

    /// <summary>NOLOGIN; owns <c>chaos_audit</c> and its append-only trigger.</summary>
    public const string AuditOwner = "chaos_audit_owner";

    /// <summary>NOLOGIN; owns the drill run tables (<c>drill_runs</c>, <c>drill_run_steps</c>, <c>drill_run_checks</c>).</summary>
    public const string DrillsOwner = "chaos_drills_owner";

    /// <summary>Owns <c>chaosdb</c>'s DR journal (<c>dr_operations</c>, <c>dr_operation_steps</c>). No login.</summary>
    public const string DrJournalOwner = "chaos_dr_journal_owner";

    /// <summary>The chaos manager: INSERT and SELECT on <c>chaos_audit</c>; runs, steps and checks added and read, a run's state and lease updated.</summary>
    public const string ChaosManager = "chaos_manager";
}
