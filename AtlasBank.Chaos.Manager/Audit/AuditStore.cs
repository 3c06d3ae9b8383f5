using System.Data;
using AtlasBank.Chaos.Contracts.Audit;
using AtlasBank.Chaos.Contracts.Provisioning;
using Npgsql;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// The audit trail in PostgreSQL (<c>chaosdb</c>): append-only (a trigger refuses UPDATE and DELETE) and
/// tamper-evident (each row's HMAC covers the previous row's MAC). Appends are serialised by an advisory lock;
/// each committed row is handed to the <see cref="AuditAnchorer"/> as the new head.
/// </summary>
public sealed class AuditStore(NpgsqlDataSource dataSource, AuditMac mac, AuditChainHead head, TimeProvider timeProvider) : IAuditHeadReader
{
    /// <summary>The advisory lock that serialises appends (held by whoever extends the chain).</summary>
    internal const long ChainLock = 0x4155444954_0001; // "AUDIT" + 1

    /// <summary>Whether the audit table, which the provisioning creates (the manager's role may not), answers.</summary>
    public async Task CheckTableAsync(CancellationToken cancellationToken)
    {
        await ProvisionedSchema.RequireAsync(dataSource, "chaosdb", ProvisionedSchema.ChaosVersion, cancellationToken);
        await using var command = dataSource.CreateCommand($"SELECT 1 FROM {AuditSchema.TableName} LIMIT 1");
        await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>
    /// Opens the chain for one change: the lock is held until <see cref="AuditScope.CommitAsync"/>, so a change
    /// whose audit cannot even begin is never applied (fail closed).
    /// </summary>
    public async Task<AuditScope> BeginAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            await using (var chainLock = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({ChainLock})", connection, transaction))
            {
                await chainLock.ExecuteNonQueryAsync(cancellationToken);
            }

            return new AuditScope(connection, transaction, mac, timeProvider);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Chains one row unless a row with its key is there already (an earlier attempt chained it, then could not
    /// trim the spool or answer): every row is chained exactly once, whichever way it came.
    /// </summary>
    public async Task<bool> AppendOnceAsync(AuditRecord record, DateTimeOffset happenedAt, string rowKey, CancellationToken cancellationToken)
    {
        await using var scope = await BeginAsync(cancellationToken);
        if (await scope.ContainsRowAsync(rowKey, cancellationToken))
        {
            return false;
        }

        var entry = await scope.AppendAsync(record, cancellationToken, happenedAt, rowKey);
        await scope.CommitAsync(cancellationToken);
        head.Chained(entry.Id, entry.Hash);
        return true;
    }

    /// <summary>
    /// Chains a row whose key is new (it has not been spooled yet): no look-up first; should the spool later carry
    /// the same key, <see cref="AppendOnceAsync"/> finds it here.
    /// </summary>
    public async Task AppendAsync(AuditRecord record, DateTimeOffset happenedAt, string rowKey, CancellationToken cancellationToken)
    {
        await using var scope = await BeginAsync(cancellationToken);
        var entry = await scope.AppendAsync(record, cancellationToken, happenedAt, rowKey);
        await scope.CommitAsync(cancellationToken);
        head.Chained(entry.Id, entry.Hash);
    }

    /// <summary>Whether a row could be chained now: a connection and a trivial query, within the configured timeouts.</summary>
    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ProbeOnceAsync(cancellationToken);
        }
        catch (NpgsqlException ex) when (ex.InnerException is not TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            // After a restart every idle pooled connection is broken: drop them and ask once more on a new one.
            DropIdleConnections();
            await ProbeOnceAsync(cancellationToken);
        }
    }

    /// <summary>Drops idle pooled connections, which a restarted server has broken.</summary>
    public void DropIdleConnections() => dataSource.Clear();

    private async Task ProbeOnceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        const string Where = """
            WHERE ($1::text IS NULL OR service = $1) AND ($2::text IS NULL OR key_id = $2)
              AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at < $4)
              AND ($5::text IS NULL OR outcome = $5)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Filtered($"SELECT count(*) FROM chaos_audit {Where}", query),
                Filtered($"SELECT {Columns} FROM chaos_audit {Where} ORDER BY id DESC LIMIT $6 OFFSET $7", query, query.PageSize, (query.Page - 1) * query.PageSize),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var total = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(Read(reader));
        }

        return new AuditPage(query.Page, query.PageSize, total, entries);
    }

    /// <summary>
    /// Walks the whole chain in order against the row MACs and <paramref name="anchors"/> (read before this call:
    /// each names a row committed before it was written, so this snapshot holds every row they name).
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(IEnumerable<AuditAnchor> anchors, CancellationToken cancellationToken)
    {
        var walk = new AuditChainWalk(mac, anchors);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM chaos_audit ORDER BY id", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            walk.Add(Read(reader));
        }

        return walk.Result();
    }

    /// <summary>The newest row as the table holds it now; null while the table is empty.</summary>
    public async Task<AuditEntry?> ReadHeadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM chaos_audit ORDER BY id DESC LIMIT 1", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    internal const string Columns = "id, at, key_id, role, operation, service, request_body, source_address, outcome, status_code, detail, previous_hash, hash, chained_at, row_key, request_count, chain_version";

    internal static AuditEntry Read(NpgsqlDataReader reader)
    {
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        return new AuditEntry(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), Text(2), Text(3), reader.GetString(4), Text(5), Text(6),
            Text(7), reader.GetString(8), reader.GetInt32(9), Text(10), reader.GetString(11), reader.GetString(12),
            reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13), Text(14), reader.GetInt32(15), reader.GetInt32(16));
    }

    private static NpgsqlBatchCommand Filtered(string sql, AuditQuery query, params object[] extra)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new() { Value = (object?)query.Service ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)query.KeyId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)query.From ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)query.To ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)query.Outcome ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        foreach (var value in extra)
        {
            command.Parameters.Add(new() { Value = value });
        }

        return command;
    }
}
