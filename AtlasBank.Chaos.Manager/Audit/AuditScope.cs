using Npgsql;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>The audit chain held (locked) for one transaction's appends.</summary>
public sealed class AuditScope(NpgsqlConnection connection, NpgsqlTransaction transaction, AuditMac mac, TimeProvider timeProvider) : IAsyncDisposable
{
    /// <summary>Whether the row is in the chain already (chained, then the spool could not be trimmed; or chained directly before it was spooled).</summary>
    public async Task<bool> ContainsRowAsync(string rowKey, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM chaos_audit WHERE row_key = $1)", connection, transaction);
        command.Parameters.Add(new() { Value = rowKey, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Appends one row; <paramref name="happenedAt"/> for a row that waited in the spool, <paramref name="rowKey"/> for one that may be spooled.</summary>
    public async Task<AuditEntry> AppendAsync(AuditRecord record, CancellationToken cancellationToken, DateTimeOffset? happenedAt = null, string? rowKey = null)
    {
        record = record.ForStorage();
        long lastId = 0;
        var previousHash = AuditEntry.GenesisHash;
        await using (var last = new NpgsqlCommand("SELECT id, hash FROM chaos_audit ORDER BY id DESC LIMIT 1", connection, transaction))
        await using (var reader = await last.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                lastId = reader.GetInt64(0);
                previousHash = reader.GetString(1);
            }
        }

        var chainedAt = AuditEntry.ToStoredPrecision(timeProvider.GetUtcNow());
        var at = happenedAt is { } happened ? AuditEntry.ToStoredPrecision(happened) : chainedAt;
        var id = lastId + 1;
        var entry = new AuditEntry(id, at, record.KeyId, record.Role, record.Operation, record.Service, record.RequestBody, record.SourceAddress,
            record.Outcome, record.StatusCode, record.Detail, previousHash, string.Empty, chainedAt, rowKey, record.RequestCount, AuditChainVersion.Keyed);
        entry = entry with { Hash = mac.Row(entry) };
        await using var insert = new NpgsqlCommand(
            $"INSERT INTO chaos_audit ({AuditStore.Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)", connection, transaction);
        foreach (var value in new object?[] { id, at, entry.KeyId, entry.Role, entry.Operation, entry.Service, entry.RequestBody, entry.SourceAddress, entry.Outcome, entry.StatusCode, entry.Detail, previousHash, entry.Hash, chainedAt, rowKey, entry.RequestCount, entry.ChainVersion })
        {
            insert.Parameters.Add(new() { Value = value ?? DBNull.Value, NpgsqlDbType = value switch
            {
                long => NpgsqlTypes.NpgsqlDbType.Bigint,
                int => NpgsqlTypes.NpgsqlDbType.Integer,
                DateTimeOffset => NpgsqlTypes.NpgsqlDbType.TimestampTz,
                _ => NpgsqlTypes.NpgsqlDbType.Text,
            } });
        }

        await insert.ExecuteNonQueryAsync(cancellationToken);
        return entry;
    }

    public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
