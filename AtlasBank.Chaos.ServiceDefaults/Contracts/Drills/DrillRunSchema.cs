namespace AtlasBank.Chaos.Contracts.Drills;

/// <summary>
/// Drill runs in <c>chaosdb</c>, created by the provisioning and owned by a role the manager is not: the manager may
/// add and read runs, steps and checks, and update a run (its state, lease and evidence); it may delete nothing.
/// At most one active run per target is the database's rule (a partial unique index), so two manager replicas
/// cannot both start one.
/// </summary>
public static class DrillRunSchema
{
    public const string RunsTable = "drill_runs";
    public const string StepsTable = "drill_run_steps";
    public const string ChecksTable = "drill_run_checks";

    /// <summary>The unique index whose violation means "this target already has an active run".</summary>
    public const string OneActivePerTarget = "drill_runs_one_active_per_target";

    public const string Create = """
        CREATE TABLE IF NOT EXISTS drill_runs (
            run_id            text PRIMARY KEY,
            drill             text NOT NULL,
            target            text NOT NULL,
            state             text NOT NULL CHECK (state IN ('pending', 'running', 'passed', 'failed', 'aborted')),
            reason            text,
            parameters        jsonb NOT NULL,
            started_by        text,
            created_at        timestamptz NOT NULL,
            started_at        timestamptz,
            ended_at          timestamptz,
            owner             text NOT NULL,
            lease_expires_at  timestamptz NOT NULL,
            enabled_services  text[] NOT NULL DEFAULT '{}',
            evidence          jsonb
        );
        CREATE UNIQUE INDEX IF NOT EXISTS drill_runs_one_active_per_target ON drill_runs (target) WHERE state IN ('pending', 'running');
        CREATE INDEX IF NOT EXISTS drill_runs_created_idx ON drill_runs (created_at DESC, run_id);
        CREATE INDEX IF NOT EXISTS drill_runs_lease_idx ON drill_runs (lease_expires_at) WHERE state IN ('pending', 'running');

        CREATE TABLE IF NOT EXISTS drill_run_steps (
            run_id      text NOT NULL REFERENCES drill_runs (run_id),
            seq         int NOT NULL,
            phase       text NOT NULL,
            step_index  int NOT NULL,
            kind        text NOT NULL,
            description text NOT NULL,
            started_at  timestamptz NOT NULL,
            ended_at    timestamptz,
            outcome     text NOT NULL,
            detail      text,
            PRIMARY KEY (run_id, seq)
        );

        CREATE TABLE IF NOT EXISTS drill_run_checks (
            run_id  text NOT NULL REFERENCES drill_runs (run_id),
            seq     int NOT NULL,
            at      timestamptz NOT NULL,
            phase   text NOT NULL,
            probe   text NOT NULL,
            kind    text NOT NULL,
            outcome text NOT NULL,
            detail  text NOT NULL,
            PRIMARY KEY (run_id, seq)
        );
        """;
}
