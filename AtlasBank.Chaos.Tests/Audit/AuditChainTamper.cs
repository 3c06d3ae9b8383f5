using AtlasBank.Chaos.Manager.Audit;
using Npgsql;

namespace AtlasBank.Chaos.Tests.Audit;

/// <summary>
/// Someone with superuser rights on <c>chaosdb</c> who tampers with the chain, then puts back exactly what was
/// there. While it exists it holds the chain's lock, so the manager appends nothing on top of a tampered row
/// (its appends wait or are spooled) and the other tests find the chain whole.
/// </summary>
internal sealed class AuditChainTamper : IAsyncDisposable
{
    private const string Trigger = "chaos_audit_no_change";
    private readonly NpgsqlConnection _connection;
    private long? _savedFrom;

    private AuditChainTamper(NpgsqlConnection connection) => _connection = connection;

    public static async Task<AuditChainTamper> BeginAsync(AtlasAppFixture fixture)
    {
        var connection = new NpgsqlConnection(await fixture.App.GetConnectionStringAsync("chaosdb"));
        try
        {
            await connection.OpenAsync();
            var tamper = new AuditChainTamper(connection);
            await tamper.ExecuteAsync($"SELECT pg_advisory_lock({AuditStore.ChainLock})");
            return tamper;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<AuditEntry> ReadHeadAsync() => (await ReadAsync("ORDER BY id DESC LIMIT 1")).Single();

    /// <summary>Keeps every row from <paramref name="id"/> on for the restore, and switches the append-only trigger off.</summary>
    public async Task SaveFromAsync(long id)
    {
        await ExecuteAsync($"CREATE TEMP TABLE audit_saved AS SELECT * FROM chaos_audit WHERE id >= {id}");
        _savedFrom = id;
        await ExecuteAsync($"ALTER TABLE chaos_audit DISABLE TRIGGER {Trigger}");
    }

    /// <summary>
    /// What the unkeyed chain allowed: change row <paramref name="id"/>'s detail, then recompute the plain SHA-256
    /// hashes of it and of every row after it, so that each links to the one before.
    /// </summary>
    public async Task RewriteWithPlainHashesAsync(long id, string detail)
    {
        var rows = await ReadAsync($"WHERE id >= {id - 1} ORDER BY id");
        var previous = rows[0].Hash;
        foreach (var original in rows.Skip(1))
        {
            var row = original.Id == id ? original with { Detail = detail } : original;
            var hash = AuditEntry.ComputeHash(previous, row.Id, row.At, row.KeyId, row.Role, row.Operation, row.Service, row.RequestBody,
                row.SourceAddress, row.Outcome, row.StatusCode, row.Detail, row.ChainedAt, row.RowKey, row.RequestCount);
            await using var update = new NpgsqlCommand("UPDATE chaos_audit SET detail = $1, previous_hash = $2, hash = $3 WHERE id = $4", _connection);
            update.Parameters.Add(new() { Value = (object?)row.Detail ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            update.Parameters.Add(new() { Value = previous });
            update.Parameters.Add(new() { Value = hash });
            update.Parameters.Add(new() { Value = row.Id });
            await update.ExecuteNonQueryAsync();
            previous = hash;
        }
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = new NpgsqlCommand(sql, _connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Puts the saved rows back exactly as they were, the trigger on, and lets the manager append again.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_savedFrom is { } from)
            {
                await ExecuteAsync($"DELETE FROM chaos_audit WHERE id >= {from}; INSERT INTO chaos_audit SELECT * FROM audit_saved; DROP TABLE audit_saved");
                await ExecuteAsync($"ALTER TABLE chaos_audit ENABLE TRIGGER {Trigger}");
            }

            await ExecuteAsync($"SELECT pg_advisory_unlock({AuditStore.ChainLock})");
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }

    private async Task<List<AuditEntry>> ReadAsync(string clause)
    {
        await using var command = new NpgsqlCommand($"SELECT {AuditStore.Columns} FROM chaos_audit {clause}", _connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<AuditEntry>();
        while (await reader.ReadAsync())
        {
            rows.Add(AuditStore.Read(reader));
        }

        return rows;
    }
}
