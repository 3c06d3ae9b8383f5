using System.Text.Json;
using AtlasBank.Chaos.Contracts.Drills;
using Npgsql;
using NpgsqlTypes;

namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>
/// Runs, their steps and checks in <c>chaosdb</c>. Leases are in the database's time, so replicas with skewed
/// clocks agree on when one ran out; every change of a run is conditional on owning it.
/// </summary>
public sealed class DrillRunStore(NpgsqlDataSource dataSource)
{
    private const string Active = "state IN ('pending', 'running')";

    private const string SummaryColumns = "run_id, drill, target, state, reason, parameters, started_by, created_at, started_at, ended_at";

    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = null };

    /// <summary>Adds a pending run owned by <paramref name="owner"/>; throws <see cref="DrillRunConflictException"/> when its target has an active run.</summary>
    public async Task InsertAsync(
        string runId, string drill, string target, DrillRunParameters parameters, string? startedBy, DateTimeOffset createdAt,
        string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO {DrillRunSchema.RunsTable} (run_id, drill, target, state, parameters, started_by, created_at, owner, lease_expires_at)
            VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, now() + $8)
            """);
        command.Parameters.Add(new() { Value = runId });
        command.Parameters.Add(new() { Value = drill });
        command.Parameters.Add(new() { Value = target });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(parameters, Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new() { Value = (object?)startedBy ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = createdAt });
        command.Parameters.Add(new() { Value = owner });
        command.Parameters.Add(new() { Value = lease });
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == DrillRunSchema.OneActivePerTarget)
        {
            throw new DrillRunConflictException(target, await ActiveOnAsync(target, cancellationToken));
        }
    }

    public async Task<DrillRunSummary?> ActiveOnAsync(string target, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {SummaryColumns} FROM {DrillRunSchema.RunsTable} WHERE target = $1 AND {Active}");
        command.Parameters.Add(new() { Value = target });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadSummary(reader) : null;
    }

    /// <summary>Pending to running; false when this replica no longer owns the run.</summary>
    public async Task<bool> MarkRunningAsync(string runId, string owner, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"UPDATE {DrillRunSchema.RunsTable} SET state = 'running', started_at = $3 WHERE run_id = $1 AND owner = $2 AND state = 'pending'");
        command.Parameters.Add(new() { Value = runId });
        command.Parameters.Add(new() { Value = owner });
        command.Parameters.Add(new() { Value = startedAt });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Extends the lease and saves what the run has on and has gathered; false when this replica lost the run.</summary>
    public async Task<bool> RenewAsync(
        string runId, string owner, TimeSpan lease, IReadOnlyList<string> enabledServices, DrillRunEvidence evidence, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            UPDATE {DrillRunSchema.RunsTable} SET lease_expires_at = now() + $3, enabled_services = $4, evidence = $5
            WHERE run_id = $1 AND owner = $2 AND {Active}
            """);
        command.Parameters.Add(new() { Value = runId });
        command.Parameters.Add(new() { Value = owner });
        command.Parameters.Add(new() { Value = lease });
        command.Parameters.Add(new() { Value = enabledServices.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(evidence, Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// The run's verdict; false when this replica no longer owns it or it had ended already. Null evidence keeps what
    /// the run saved (a replica that rolls back an orphan has none of its own).
    /// </summary>
    public async Task<bool> CompleteAsync(
        string runId, string owner, string state, string? reason, DateTimeOffset endedAt, IReadOnlyList<string> enabledServices,
        DrillRunEvidence? evidence, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            UPDATE {DrillRunSchema.RunsTable}
            SET state = $3, reason = $4, ended_at = $5, enabled_services = $6, evidence = coalesce($7, evidence), started_at = coalesce(started_at, $5)
            WHERE run_id = $1 AND owner = $2 AND {Active}
            """);
        command.Parameters.Add(new() { Value = runId });
        command.Parameters.Add(new() { Value = owner });
        command.Parameters.Add(new() { Value = state });
        command.Parameters.Add(new() { Value = (object?)reason ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = endedAt });
        command.Parameters.Add(new() { Value = enabledServices.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = evidence is null ? DBNull.Value : JsonSerializer.Serialize(evidence, Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task AddStepAsync(string runId, int seq, DrillStepRecord step, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO {DrillRunSchema.StepsTable} (run_id, seq, phase, step_index, kind, description, started_at, ended_at, outcome, detail)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING
            """);
        command.Parameters.Add(new() { Value = runId });
        command.Parameters.Add(new() { Value = seq });
        command.Parameters.Add(new() { Value = step.Phase });
        command.Parameters.Add(new() { Value = step.Index });
        command.Parameters.Add(new() { Value = step.Kind });
        command.Parameters.Add(new() { Value = step.Description });
        command.Parameters.Add(new() { Value = step.StartedAt });
        command.Parameters.Add(new() { Value = (object?)step.EndedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = step.Outcome });
        command.Parameters.Add(new() { Value = (object?)step.Detail ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task AddCheckAsync(string runId, int seq, DrillCheckRecord check, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO {DrillRunSchema.ChecksTable} (run_id, seq, at, phase, probe, kind, outcome, detail)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING
            """);
        command.Parameters.Add(new() { Value = runId });
        command.Parameters.Add(new() { Value = seq });
        command.Parameters.Add(new() { Value = check.At });
        command.Parameters.Add(new() { Value = check.Phase });
        command.Parameters.Add(new() { Value = check.Probe });
        command.Parameters.Add(new() { Value = check.Kind });
        command.Parameters.Add(new() { Value = check.Outcome });
        command.Parameters.Add(new() { Value = check.Detail });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The next free step number of a run (a replica that takes over an orphan goes on after its owner's).</summary>
    public async Task<int> NextStepSeqAsync(string runId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT coalesce(max(seq) + 1, 0) FROM {DrillRunSchema.StepsTable} WHERE run_id = $1");
        command.Parameters.Add(new() { Value = runId });
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<(DrillRun Run, DrillRunEvidence Evidence)?> GetAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        DrillRunSummary summary;
        string owner;
        DateTimeOffset leaseExpiresAt;
        string[] enabled;
        DrillRunEvidence evidence;
        await using (var command = new NpgsqlCommand(
            $"SELECT {SummaryColumns}, owner, lease_expires_at, enabled_services, evidence FROM {DrillRunSchema.RunsTable} WHERE run_id = $1", connection, transaction))
        {
            command.Parameters.Add(new() { Value = runId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            summary = ReadSummary(reader);
            owner = reader.GetString(10);
            leaseExpiresAt = reader.GetFieldValue<DateTimeOffset>(11);
            enabled = reader.GetFieldValue<string[]>(12);
            evidence = reader.IsDBNull(13) ? DrillRunEvidence.None : JsonSerializer.Deserialize<DrillRunEvidence>(reader.GetString(13), Json) ?? DrillRunEvidence.None;
        }

        var steps = new List<DrillStepRecord>();
        await using (var command = new NpgsqlCommand(
            $"SELECT step_index, phase, kind, description, started_at, ended_at, outcome, detail FROM {DrillRunSchema.StepsTable} WHERE run_id = $1 ORDER BY seq", connection, transaction))
        {
            command.Parameters.Add(new() { Value = runId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                steps.Add(new DrillStepRecord(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                    reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
            }
        }

        var checks = new List<DrillCheckRecord>();
        await using (var command = new NpgsqlCommand(
            $"SELECT at, phase, probe, kind, outcome, detail FROM {DrillRunSchema.ChecksTable} WHERE run_id = $1 ORDER BY seq", connection, transaction))
        {
            command.Parameters.Add(new() { Value = runId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                checks.Add(new DrillCheckRecord(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2),
                    reader.GetString(3), reader.GetString(4), reader.GetString(5)));
            }
        }

        var run = new DrillRun(summary.RunId, summary.Drill, summary.Target, summary.State, summary.Reason, summary.Parameters, summary.StartedBy,
            summary.CreatedAt, summary.StartedAt, summary.EndedAt, owner, leaseExpiresAt, enabled, steps, checks);
        return (run, evidence);
    }

    public async Task<IReadOnlyList<DrillRunSummary>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {SummaryColumns} FROM {DrillRunSchema.RunsTable} ORDER BY created_at DESC, run_id DESC LIMIT $1");
        command.Parameters.Add(new() { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var runs = new List<DrillRunSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(ReadSummary(reader));
        }

        return runs;
    }

    /// <summary>
    /// Claims every active run of another owner whose lease ran out (it died or lost the database for longer than the
    /// lease), with a fresh lease for this replica; each is claimed by one replica only. A replica never claims its
    /// own runs: it is alive, and renews them once the database answers again.
    /// </summary>
    public async Task<IReadOnlyList<OrphanedRun>> ClaimOrphansAsync(string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            WITH orphans AS (
                SELECT run_id, owner FROM {DrillRunSchema.RunsTable}
                WHERE {Active} AND lease_expires_at < now() AND owner <> $1
                FOR UPDATE SKIP LOCKED)
            UPDATE {DrillRunSchema.RunsTable} AS runs SET owner = $1, lease_expires_at = now() + $2
            FROM orphans WHERE runs.run_id = orphans.run_id
            RETURNING runs.run_id, runs.drill, runs.target, runs.started_by, orphans.owner, runs.enabled_services
            """);
        command.Parameters.Add(new() { Value = owner });
        command.Parameters.Add(new() { Value = lease });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var orphans = new List<OrphanedRun>();
        while (await reader.ReadAsync(cancellationToken))
        {
            orphans.Add(new OrphanedRun(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), reader.GetFieldValue<string[]>(5)));
        }

        return orphans;
    }

    private static DrillRunSummary ReadSummary(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        JsonSerializer.Deserialize<DrillRunParameters>(reader.GetString(5), Json)!,
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.GetFieldValue<DateTimeOffset>(7),
        reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
        reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9));
}
