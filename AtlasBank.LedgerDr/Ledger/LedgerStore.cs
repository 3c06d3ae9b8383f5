using AtlasBank.Chaos.Contracts.Dr;
using System.Data;
using AtlasBank.Chaos.Contracts.Ledger;
using Npgsql;

namespace AtlasBank.LedgerDr.Ledger;

/// <summary>The ledger's reads and writes. Each write is one database transaction.</summary>
public sealed class LedgerStore(NpgsqlDataSource dataSource, TimeProvider timeProvider)
{
    private const string UniqueViolation = "23505";
    private const string IdempotencyKeyConstraint = "transfers_idempotency_key_key";
    private const string AccountColumns = "id, name, currency, allow_overdraft, balance, created_at";
    private const string TransferColumns = "id, from_account_id, to_account_id, amount, currency, reference, idempotency_key, created_at";
    private const string EntryColumns = "id, transfer_id, account_id, amount, balance_after, created_at";
    private static readonly TimeSpan StandbyPollInterval = TimeSpan.FromMilliseconds(20);

    public async Task<Account> CreateAccountAsync(string name, string currency, bool allowOverdraft, CancellationToken cancellationToken)
    {
        var account = new Account(Guid.CreateVersion7(), name, currency, allowOverdraft, 0m, Now());
        await using var command = dataSource.CreateCommand(
            "INSERT INTO accounts (id, name, currency, allow_overdraft, balance, created_at) VALUES ($1, $2, $3, $4, 0, $5)");
        command.Parameters.Add(new() { Value = account.Id });
        command.Parameters.Add(new() { Value = account.Name });
        command.Parameters.Add(new() { Value = account.Currency });
        command.Parameters.Add(new() { Value = account.AllowOverdraft });
        command.Parameters.Add(new() { Value = account.CreatedAt });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return account;
    }

    public async Task<Account?> GetAccountAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {AccountColumns} FROM accounts WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadAccount(reader) : null;
    }

    public async Task<IReadOnlyList<Entry>?> GetEntriesAsync(Guid accountId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM accounts WHERE id = $1", connection, transaction))
        {
            exists.Parameters.Add(new() { Value = accountId });
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                return null;
            }
        }

        await using var command = new NpgsqlCommand(
            $"SELECT {EntryColumns} FROM entries WHERE account_id = $1 ORDER BY created_at, id LIMIT $2", connection, transaction);
        command.Parameters.Add(new() { Value = accountId });
        command.Parameters.Add(new() { Value = limit });
        return await ReadEntriesAsync(command, cancellationToken);
    }

    public async Task<Transfer?> GetTransferAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await FindTransferAsync(connection, null, "id = $1", id, cancellationToken);
    }

    public async Task<TransferOutcome> TransferAsync(TransferCommand request, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

        if (request.IdempotencyKey is { } key
            && await FindTransferByKeyAsync(connection, transaction, key, request, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        // Lock both accounts in id order, so concurrent opposite transfers cannot deadlock.
        var accounts = new Dictionary<Guid, Account>();
        await using (var lockAccounts = new NpgsqlCommand(
            $"SELECT {AccountColumns} FROM accounts WHERE id = ANY($1) ORDER BY id FOR UPDATE", connection, transaction))
        {
            lockAccounts.Parameters.Add(new() { Value = new[] { request.FromAccountId, request.ToAccountId } });
            await using var reader = await lockAccounts.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var account = ReadAccount(reader);
                accounts[account.Id] = account;
            }
        }

        if (!accounts.TryGetValue(request.FromAccountId, out var from))
        {
            return new TransferOutcome.AccountNotFound("fromAccountId", request.FromAccountId);
        }

        if (!accounts.TryGetValue(request.ToAccountId, out var to))
        {
            return new TransferOutcome.AccountNotFound("toAccountId", request.ToAccountId);
        }

        if (!string.Equals(from.Currency, to.Currency, StringComparison.Ordinal))
        {
            return new TransferOutcome.CurrencyMismatch(from.Currency, to.Currency);
        }

        if (!from.AllowOverdraft && from.Balance < request.Amount)
        {
            return new TransferOutcome.InsufficientFunds(from.Balance);
        }

        var now = Now();
        var transferId = Guid.CreateVersion7();
        Entry[] entries =
        [
            new(Guid.CreateVersion7(), transferId, from.Id, -request.Amount, from.Balance - request.Amount, now),
            new(Guid.CreateVersion7(), transferId, to.Id, request.Amount, to.Balance + request.Amount, now),
        ];

        try
        {
            await using var insert = new NpgsqlBatch(connection, transaction);
            var insertTransfer = new NpgsqlBatchCommand(
                "INSERT INTO transfers (id, idempotency_key, request_hash, from_account_id, to_account_id, amount, currency, reference, created_at, synchronous) " +
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, current_setting('synchronous_standby_names') <> '')");
            insertTransfer.Parameters.Add(new() { Value = transferId });
            insertTransfer.Parameters.Add(new() { Value = (object?)request.IdempotencyKey ?? DBNull.Value });
            insertTransfer.Parameters.Add(new() { Value = request.RequestHash });
            insertTransfer.Parameters.Add(new() { Value = from.Id });
            insertTransfer.Parameters.Add(new() { Value = to.Id });
            insertTransfer.Parameters.Add(new() { Value = request.Amount });
            insertTransfer.Parameters.Add(new() { Value = from.Currency });
            insertTransfer.Parameters.Add(new() { Value = (object?)request.Reference ?? DBNull.Value });
            insertTransfer.Parameters.Add(new() { Value = now });
            insert.BatchCommands.Add(insertTransfer);

            foreach (var entry in entries)
            {
                var insertEntry = new NpgsqlBatchCommand(
                    "INSERT INTO entries (id, transfer_id, account_id, amount, balance_after, created_at) VALUES ($1, $2, $3, $4, $5, $6)");
                insertEntry.Parameters.Add(new() { Value = entry.Id });
                insertEntry.Parameters.Add(new() { Value = entry.TransferId });
                insertEntry.Parameters.Add(new() { Value = entry.AccountId });
                insertEntry.Parameters.Add(new() { Value = entry.Amount });
                insertEntry.Parameters.Add(new() { Value = entry.BalanceAfter });
                insertEntry.Parameters.Add(new() { Value = entry.CreatedAt });
                insert.BatchCommands.Add(insertEntry);

                var updateBalance = new NpgsqlBatchCommand("UPDATE accounts SET balance = balance + $1 WHERE id = $2");
                updateBalance.Parameters.Add(new() { Value = entry.Amount });
                updateBalance.Parameters.Add(new() { Value = entry.AccountId });
                insert.BatchCommands.Add(updateBalance);
            }

            await insert.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == UniqueViolation && ex.ConstraintName == IdempotencyKeyConstraint && request.IdempotencyKey is { } racedKey)
        {
            // A concurrent request with the same key won the race: answer with its result.
            await transaction.RollbackAsync(cancellationToken);
            return await FindTransferByKeyAsync(connection, null, racedKey, request, cancellationToken)
                ?? throw new InvalidOperationException("An idempotency key collided but its transfer is not visible.", ex);
        }

        return new TransferOutcome.Posted(new Transfer(
            transferId, from.Id, to.Id, request.Amount, from.Currency, request.Reference, request.IdempotencyKey, now, entries));
    }

    /// <summary>
    /// Whether DR has flushed every commit made here so far, waiting up to <paramref name="bound"/>: always true in
    /// asynchronous mode (<c>dr.standby_confirmed</c> decides). A transfer is acknowledged only after this: in
    /// synchronous mode a commit whose wait for DR was cancelled (its caller gone) stays committed here, and its keyed
    /// replay must not acknowledge it before DR holds it.
    /// </summary>
    public async Task<bool> StandbyConfirmedAsync(TimeSpan bound, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        string target;
        await using (var first = new NpgsqlCommand($"SELECT pg_current_wal_lsn()::text, {DrFunctions.StandbyConfirmed}(pg_current_wal_lsn())", connection))
        await using (var reader = await first.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            if (reader.GetBoolean(1))
            {
                return true;
            }

            target = reader.GetString(0);
        }

        var deadline = timeProvider.GetUtcNow() + bound;
        await using var poll = new NpgsqlCommand($"SELECT {DrFunctions.StandbyConfirmed}($1::pg_lsn)", connection);
        poll.Parameters.Add(new() { Value = target });
        while (timeProvider.GetUtcNow() < deadline)
        {
            await Task.Delay(StandbyPollInterval, timeProvider, cancellationToken);
            if (await poll.ExecuteScalarAsync(cancellationToken) is true)
            {
                return true;
            }
        }

        return false;
    }

    public async Task<LedgerChecksum> GetChecksumAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot for every count and hash, so a transfer committing meanwhile cannot tear the result.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using var command = new NpgsqlCommand(LedgerChecksumQuery.Sql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new LedgerChecksum(
            reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDecimal(3), reader.GetBoolean(4), reader.GetString(5));
    }

    /// <summary>PostgreSQL keeps microseconds: answer with what a later read (or the DR copy) will return.</summary>
    private DateTimeOffset Now()
    {
        var now = timeProvider.GetUtcNow();
        return now.AddTicks(-(now.Ticks % (TimeSpan.TicksPerMillisecond / 1000)));
    }

    private static async Task<TransferOutcome?> FindTransferByKeyAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string key, TransferCommand request, CancellationToken cancellationToken)
    {
        await using (var hash = new NpgsqlCommand("SELECT request_hash FROM transfers WHERE idempotency_key = $1", connection, transaction))
        {
            hash.Parameters.Add(new() { Value = key });
            switch (await hash.ExecuteScalarAsync(cancellationToken))
            {
                case null:
                    return null;
                case string stored when !string.Equals(stored, request.RequestHash, StringComparison.Ordinal):
                    return new TransferOutcome.IdempotencyKeyReused();
            }
        }

        var transfer = await FindTransferAsync(connection, transaction, "idempotency_key = $1", key, cancellationToken);
        return new TransferOutcome.Replayed(transfer!);
    }

    private static async Task<Transfer?> FindTransferAsync<TKey>(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string condition, TKey key, CancellationToken cancellationToken)
    {
        Transfer? transfer = null;
        await using (var command = new NpgsqlCommand($"SELECT {TransferColumns} FROM transfers WHERE {condition}", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<TKey> { TypedValue = key });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                transfer = new Transfer(
                    reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetDecimal(3), reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.GetFieldValue<DateTimeOffset>(7), []);
            }
        }

        if (transfer is null)
        {
            return null;
        }

        await using var entries = new NpgsqlCommand($"SELECT {EntryColumns} FROM entries WHERE transfer_id = $1 ORDER BY amount", connection, transaction);
        entries.Parameters.Add(new() { Value = transfer.Id });
        return transfer with { Entries = await ReadEntriesAsync(entries, cancellationToken) };
    }

    private static async Task<IReadOnlyList<Entry>> ReadEntriesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<Entry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new Entry(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetDecimal(3), reader.GetDecimal(4),
                reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return entries;
    }

    private static Account ReadAccount(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetDecimal(4),
        reader.GetFieldValue<DateTimeOffset>(5));
}
