using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.ServiceDefaults.Replicas;
using Npgsql;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// Every failover and failback in <c>chaosdb</c>, each step written before it runs: what a replica that takes over
/// from a dead coordinator reads to finish or undo it (<see cref="DrTakeover"/>). A step that cannot be written is
/// not run (<see cref="DrUnavailableException"/>); every call is bounded.
/// </summary>
public sealed class DrJournal(NpgsqlDataSource dataSource)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(3);

    /// <summary>This replica as a journal owner: the replica (as in X-Served-By) and its process, so a restarted one is another.</summary>
    public string Owner { get; } = $"{ServiceInstance.Name}/{Environment.ProcessId}";

    public Task BeginAsync(FailoverRecord record, long epoch, string step) => RunAsync($"begin {record.FailoverId}", async token =>
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Command($"""
            INSERT INTO {DrJournalSchema.OperationsTable} (failover_id, kind, from_region, to_region, epoch, step, state, owner)
            VALUES ($1, $2, $3, $4, $5, $6, 'running', $7)
            """, record.FailoverId, record.Kind, record.FromRegion, record.ToRegion, epoch, step, Owner));
        batch.BatchCommands.Add(StepRow(record.FailoverId, step));
        await batch.ExecuteNonQueryAsync(token);
    });

    /// <summary>
    /// Records that <paramref name="step"/> runs next; <paramref name="committed"/>: from here the operation is finished,
    /// never undone. Throws <see cref="DrLeaseLostException"/> when this replica no longer runs the operation (another
    /// took it over, or it ended): the journal is the second check after the lease, where it cannot be stale.
    /// </summary>
    public async Task StepAsync(string failoverId, string step, bool committed = false)
    {
        var moved = await RunAsync($"record step {step} of {failoverId}", async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token);
            await using var transaction = await connection.BeginTransactionAsync(token);
            await using var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(Command($"""
                UPDATE {DrJournalSchema.OperationsTable} SET step = $2, committed = committed OR $3, updated_at = now()
                WHERE failover_id = $1 AND state = 'running' AND owner = $4
                """, failoverId, step, committed, Owner));
            batch.BatchCommands.Add(StepRow(failoverId, step));
            await batch.ExecuteNonQueryAsync(token);
            if (batch.BatchCommands[0].RecordsAffected != 1)
            {
                await transaction.RollbackAsync(token);
                return false;
            }

            await transaction.CommitAsync(token);
            return true;
        });
        if (!moved)
        {
            throw new DrLeaseLostException(failoverId);
        }
    }

    public Task EndAsync(string failoverId, string state) => RunAsync($"end {failoverId}", async token =>
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Command($"UPDATE {DrJournalSchema.OperationsTable} SET state = $2, updated_at = now() WHERE failover_id = $1 AND state = 'running'",
            failoverId, state));
        batch.BatchCommands.Add(StepRow(failoverId, state));
        await batch.ExecuteNonQueryAsync(token);
    });

    /// <summary>Names this replica the operation's owner, as the one that took it over from a dead coordinator.</summary>
    public Task TakeOverAsync(string failoverId) => RunAsync($"take over {failoverId}", async token =>
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Command($"""
            UPDATE {DrJournalSchema.OperationsTable} SET owner = $2, taken_over_by = $2, updated_at = now()
            WHERE failover_id = $1 AND state = 'running'
            """, failoverId, Owner));
        batch.BatchCommands.Add(StepRow(failoverId, "taken-over"));
        await batch.ExecuteNonQueryAsync(token);
    });

    /// <summary>
    /// Operations still running, oldest first; with <paramref name="quietFor"/>, only those whose journal has not moved
    /// for that long (by the database's clock).
    /// </summary>
    public Task<IReadOnlyList<DrJournalEntry>> RunningAsync(TimeSpan? quietFor = null) => RunAsync<IReadOnlyList<DrJournalEntry>>("read running operations", async token =>
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT failover_id, kind, from_region, to_region, epoch, step, committed, owner
            FROM {DrJournalSchema.OperationsTable} WHERE state = 'running' AND updated_at <= now() - $1 ORDER BY started_at
            """);
        command.Parameters.Add(new() { Value = quietFor ?? TimeSpan.Zero });
        await using var reader = await command.ExecuteReaderAsync(token);
        var entries = new List<DrJournalEntry>();
        while (await reader.ReadAsync(token))
        {
            entries.Add(new DrJournalEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetInt64(4), reader.GetString(5), reader.GetBoolean(6), reader.GetString(7)));
        }

        return entries;
    });

    /// <summary>The steps of one operation as written, oldest first: (step, owner).</summary>
    public Task<IReadOnlyList<(string Step, string Owner)>> StepsAsync(string failoverId) => RunAsync<IReadOnlyList<(string, string)>>("read steps", async token =>
    {
        await using var command = dataSource.CreateCommand($"SELECT step, owner FROM {DrJournalSchema.StepsTable} WHERE failover_id = $1 ORDER BY seq");
        command.Parameters.Add(new() { Value = failoverId });
        await using var reader = await command.ExecuteReaderAsync(token);
        var steps = new List<(string, string)>();
        while (await reader.ReadAsync(token))
        {
            steps.Add((reader.GetString(0), reader.GetString(1)));
        }

        return steps;
    });

    private NpgsqlBatchCommand StepRow(string failoverId, string step) => Command($"""
        INSERT INTO {DrJournalSchema.StepsTable} (failover_id, seq, step, owner)
        SELECT $1, coalesce(max(seq), 0) + 1, $2, $3 FROM {DrJournalSchema.StepsTable} WHERE failover_id = $1
        """, failoverId, step, Owner);

    private static NpgsqlBatchCommand Command(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new() { Value = parameter });
        }

        return command;
    }

    private static Task<bool> RunAsync(string operation, Func<CancellationToken, Task> call) => RunAsync(operation, async token =>
    {
        await call(token);
        return true;
    });

    private static async Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> call)
    {
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            return await call(timeout.Token).WaitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            throw new DrUnavailableException($"The DR journal (chaosdb) could not {operation} within {Bound.TotalSeconds:0} s: {ex.Message}", innerException: ex);
        }
    }
}

/// <summary>One operation as the journal holds it: what a takeover decides from.</summary>
public sealed record DrJournalEntry(
    string FailoverId, string Kind, string FromRegion, string ToRegion, long Epoch, string Step, bool Committed, string Owner);
