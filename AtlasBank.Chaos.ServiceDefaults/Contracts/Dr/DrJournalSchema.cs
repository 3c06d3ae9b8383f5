namespace AtlasBank.Chaos.Contracts.Dr;

/// <summary>
/// The DR journal in <c>chaosdb</c>, created by the provisioning and owned by a role the manager is not: every failover and
/// failback, and each of its steps written before the step runs, so a surviving replica can finish or undo one whose
/// coordinator died. The manager may add and read operations and steps and update an operation's progress; it may
/// delete nothing and change no step once written.
/// </summary>
public static class DrJournalSchema
{
    public const string OperationsTable = "dr_operations";
    public const string StepsTable = "dr_operation_steps";

    public const string Create = """
        CREATE TABLE IF NOT EXISTS dr_operations (
            failover_id    text PRIMARY KEY,
            kind           text NOT NULL CHECK (kind IN ('failover', 'failback')),
            from_region    text NOT NULL,
            to_region      text NOT NULL,
            epoch          bigint NOT NULL,
            step           text NOT NULL,
            committed      boolean NOT NULL DEFAULT false,
            state          text NOT NULL CHECK (state IN ('running', 'completed', 'failed', 'refused', 'rolled-back')),
            owner          text NOT NULL,
            started_at     timestamptz NOT NULL DEFAULT now(),
            updated_at     timestamptz NOT NULL DEFAULT now(),
            taken_over_by  text
        );
        CREATE INDEX IF NOT EXISTS dr_operations_running_idx ON dr_operations (started_at) WHERE state = 'running';

        CREATE TABLE IF NOT EXISTS dr_operation_steps (
            failover_id  text NOT NULL REFERENCES dr_operations (failover_id),
            seq          int NOT NULL,
            step         text NOT NULL,
            owner        text NOT NULL,
            at           timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (failover_id, seq)
        );
        """;
}
