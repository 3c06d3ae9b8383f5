using Npgsql;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>The audit chain held open for one change.</summary>
public sealed class AuditScope(NpgsqlConnection connection, NpgsqlTransaction transaction, TimeProvider timeProvider) : IAsyncDisposable
{
    public async Task<AuditEntry> AppendAsync(AuditRecord record, CancellationToken cancellationToken)
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

        var now = timeProvider.GetUtcNow();
        var at = now.AddTicks(-(now.Ticks % 10)); // PostgreSQL keeps microseconds: hash what it will store
        var id = lastId + 1;
        var hash = AuditEntry.ComputeHash(previousHash, id, at, record.KeyId, record.Role, record.Operation, record.Service,
            record.RequestBody, record.SourceAddress, record.Outcome, record.StatusCode, record.Detail);
        await using var insert = new NpgsqlCommand(
            $"INSERT INTO chaos_audit ({AuditStore.Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)", connection, transaction);
        foreach (var value in new object?[] { id, at, record.KeyId, record.Role, record.Operation, record.Service, record.RequestBody, record.SourceAddress, record.Outcome, record.StatusCode, record.Detail, previousHash, hash })
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
        return new AuditEntry(id, at, record.KeyId, record.Role, record.Operation, record.Service, record.RequestBody, record.SourceAddress,
            record.Outcome, record.StatusCode, record.Detail, previousHash, hash);
    }

    public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
