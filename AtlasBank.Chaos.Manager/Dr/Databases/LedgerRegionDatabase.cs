using AtlasBank.Chaos.Contracts.Dr;
using System.Data;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using AtlasBank.Chaos.Contracts.Ledger;
using Npgsql;

namespace AtlasBank.Chaos.Manager.Dr.Databases;

/// <summary>
/// One region's ledger database as the DR controller role sees it: the fence, the writer grant, positions,
/// the subscription and slot, the stranded-write reads and the rebuild. Every call is bounded; a database that
/// is down or does not answer in time is a <see cref="RegionDatabaseUnavailableException"/>.
/// </summary>
/// <remarks>
/// The controller (<c>ledger_dr_controller</c>) reads the ledger tables and writes only its staging copy; every change to
/// the ledger goes through the superuser's <c>dr.*</c> functions (<see cref="DrFunctions"/>, created by the provisioning), which refuse
/// with <see cref="RegionRefusedException"/>. Its sessions commit without
/// waiting for a synchronous standby (<see cref="DrDatabaseOptions.Configure"/>).
/// </remarks>
public sealed class LedgerRegionDatabase
{
    private const string TransferColumns = "id, idempotency_key, from_account_id, to_account_id, amount, currency, reference, created_at, synchronous";

    private readonly NpgsqlDataSource _dataSource;
    private readonly DrDatabaseOptions _options;

    [SetsRequiredMembers]
    public LedgerRegionDatabase(string region, NpgsqlDataSource dataSource, DrDatabaseOptions options)
    {
        Region = region;
        _dataSource = dataSource;
        _options = options;
    }

    public required string Region { get; init; }

    /// <summary>
    /// Revokes the ledger's write grant and ends its sessions, recording the region fenced at <paramref name="epoch"/>;
    /// answers the WAL position after the fence. Refused (<see cref="RegionRefusedException"/>) when the region
    /// records a newer epoch: a newer failover or failback changed it since.
    /// </summary>
    /// <remarks>
    /// Twice, on purpose: the revocation binds other sessions only once its transaction commits, so a ledger session
    /// opened while the first call ran could still write; the second call ends it, and its position covers every
    /// write the ledger committed here.
    /// </remarks>
    public Task<string> FenceWritesAsync(long epoch, CancellationToken cancellationToken) => RunAsync("fence writes", async (connection, token) =>
    {
        await ScalarAsync<string>(connection, $"SELECT {DrFunctions.FenceWrites}($1)", token, epoch);
        return await ScalarAsync<string>(connection, $"SELECT {DrFunctions.FenceWrites}($1)", token, epoch);
    }, cancellationToken);

    /// <summary>Grants the ledger writes, recording the region the writer at <paramref name="epoch"/>; refused like a fence.</summary>
    public Task GrantWritesAsync(long epoch, CancellationToken cancellationToken) =>
        RunAsync("grant writes", (connection, token) => ScalarAsync<object>(connection, $"SELECT {DrFunctions.GrantWrites}($1)", token, epoch), cancellationToken);

    /// <summary>The role and epoch this region's database records: what the routing is rebuilt from when Redis lost it.</summary>
    public Task<RegionRole> RoleAsync(CancellationToken cancellationToken) => RunAsync("read the region's role", async (connection, token) =>
    {
        await using var command = new NpgsqlCommand($"SELECT role, epoch FROM {DrFunctions.Role}()", connection);
        await using var reader = await command.ExecuteReaderAsync(token);
        await reader.ReadAsync(token);
        return new RegionRole(Region, reader.GetString(0) == RegionRole.Writer, reader.GetInt64(1));
    }, cancellationToken);

    public Task<bool> WritesGrantedAsync(CancellationToken cancellationToken) =>
        RunAsync("read the write grant", (connection, token) => ScalarAsync<bool>(connection, $"SELECT {DrFunctions.WritesGranted}()", token), cancellationToken);

    public Task<RegionPosition> PositionAsync(CancellationToken cancellationToken) => RunAsync("read the position", async (connection, token) =>
    {
        await using var command = new NpgsqlCommand($"SELECT wal_lsn, transfers FROM {DrFunctions.Position}()", connection);
        await using var reader = await command.ExecuteReaderAsync(token);
        await reader.ReadAsync(token);
        return new RegionPosition(reader.GetString(0), reader.GetInt64(1));
    }, cancellationToken);

    /// <summary>The subscription's last confirmed position on this server; null when it has none.</summary>
    public Task<string?> SubscriptionPositionAsync(CancellationToken cancellationToken) =>
        RunAsync("read the subscription's position", (connection, token) => ScalarAsync<string?>(connection, $"SELECT {DrFunctions.SubscriptionPosition}()", token), cancellationToken);

    /// <summary>Disables and drops this server's subscription, leaving the slot; false when there was none.</summary>
    public Task<bool> DetachSubscriptionAsync(CancellationToken cancellationToken) =>
        RunAsync("detach the subscription", (connection, token) => ScalarAsync<bool>(connection, $"SELECT {DrFunctions.DetachSubscription}()", token), cancellationToken);

    /// <summary>Drops the subscription's slot on this (publishing) server; false when absent or still in use.</summary>
    public Task<bool> DropSlotAsync(CancellationToken cancellationToken) =>
        RunAsync("drop the slot", (connection, token) => ScalarAsync<bool>(connection, $"SELECT {DrFunctions.DropSlot}()", token), cancellationToken);

    /// <summary>
    /// Creates the subscription's slot here, at the current position. Fails (a <see cref="PostgresException"/>,
    /// duplicate_object) when it exists: drop an old slot first, or it streams what it held to the subscriber.
    /// </summary>
    public Task CreateSlotAsync(CancellationToken cancellationToken) =>
        RunAsync("create the slot", (connection, token) => ExecuteAsync(connection, $"SELECT {DrFunctions.CreateSlot}()", token), cancellationToken);

    /// <summary>Region B only: subscribes to region A's publication over the existing slot, without copying data.</summary>
    /// <remarks>
    /// Fails (duplicate_object) when the subscription exists. The apply worker starts within PostgreSQL's
    /// <c>wal_retrieve_retry_interval</c> (5 s): wait for <see cref="SubscriptionStreamingAsync"/>.
    /// </remarks>
    public Task SubscribeAsync(CancellationToken cancellationToken) =>
        RunAsync("subscribe", (connection, token) => ExecuteAsync(connection, $"SELECT {DrFunctions.Subscribe}()", token), cancellationToken);

    /// <summary>Whether this server's subscription has an apply worker that has heard from the publisher.</summary>
    public Task<bool> SubscriptionStreamingAsync(CancellationToken cancellationToken) =>
        RunAsync("read the subscription's state", (connection, token) => ScalarAsync<bool>(connection, $"SELECT {DrFunctions.SubscriptionStreaming}()", token), cancellationToken);

    /// <summary>The server's <c>synchronous_standby_names</c>: <c>"ledger_dr_sub"</c> in synchronous mode, empty otherwise.</summary>
    public Task<string> SynchronousStandbyNamesAsync(CancellationToken cancellationToken) =>
        RunAsync("read synchronous_standby_names", (connection, token) => ScalarAsync<string>(connection, $"SELECT {DrFunctions.SynchronousStandbyNames}()", token), cancellationToken);

    /// <summary>
    /// Region A only: makes B's subscription A's synchronous standby (<paramref name="synchronous"/>) or no standby
    /// at all. Off while B is not subscribed — otherwise every commit on A, autovacuum's included, waits for B holding
    /// its locks, and a rebuild or a new slot on A waits behind them; on again once B streams. The server applies it
    /// within moments (its configuration reload is asynchronous).
    /// </summary>
    public Task SetSynchronousReplicationAsync(bool synchronous, CancellationToken cancellationToken) =>
        RunAsync(synchronous ? "turn synchronous replication on" : "turn synchronous replication off", async (connection, token) =>
        {
            // ALTER SYSTEM runs outside any transaction: its own statement, then the reload.
            await ExecuteAsync(connection, synchronous
                ? $"ALTER SYSTEM SET synchronous_standby_names = '\"{LedgerReplication.SubscriptionName}\"'"
                : "ALTER SYSTEM RESET synchronous_standby_names", token);
            await ExecuteAsync(connection, "SELECT pg_reload_conf()", token);
        }, cancellationToken);

    /// <summary>When the newest transfer here was created; null when there is none.</summary>
    public Task<DateTimeOffset?> LatestTransferAtAsync(CancellationToken cancellationToken) => RunAsync("read the latest transfer", async (connection, token) =>
    {
        await using var command = new NpgsqlCommand("SELECT max(created_at) FROM transfers", connection);
        await using var reader = await command.ExecuteReaderAsync(token);
        await reader.ReadAsync(token);
        return reader.IsDBNull(0) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(0);
    }, cancellationToken);

    /// <summary>Every transfer created at or after <paramref name="since"/>, oldest first.</summary>
    public Task<IReadOnlyList<StrandedTransfer>> TransfersSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        ReadTransfersAsync($"SELECT {TransferColumns} FROM transfers WHERE created_at >= $1 ORDER BY created_at, id", [since], cancellationToken);

    /// <summary>Which of <paramref name="ids"/> this database holds.</summary>
    public Task<IReadOnlySet<Guid>> ExistingTransferIdsAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) =>
        ReadSetAsync<Guid>("read transfer ids", "SELECT id FROM transfers WHERE id = ANY($1)", ids.ToArray(), cancellationToken);

    /// <summary>
    /// Replaces this database's ledger with <paramref name="source"/>'s, in one transaction and one snapshot of the
    /// source: the source's tables are copied into <c>dr_staging</c>, and <c>dr.rebuild_from_staging()</c> moves them into
    /// the ledger only if this region is fenced and the copy keeps everything it holds (a
    /// <see cref="RegionRefusedException"/> otherwise). The controller itself writes no ledger row.
    /// </summary>
    /// <remarks>
    /// Run it on a fenced region without a slot: a slot here would stream the TRUNCATE and the copy to its
    /// subscriber. Bounded by <see cref="DrDatabaseOptions.RebuildTimeout"/>; failing to reach the source is the
    /// source region's <see cref="RegionDatabaseUnavailableException"/>.
    /// </remarks>
    public async Task ReinitialiseFromAsync(LedgerRegionDatabase source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        await RunAsync($"rebuild from {source.Region}", async (target, token) =>
        {
            await using var targetTransaction = await target.BeginTransactionAsync(IsolationLevel.ReadCommitted, token);
            await ExecuteAsync(target, $"TRUNCATE {string.Join(", ", LedgerSchema.ReplicatedTables.Select(table => "dr_staging." + table))}", token);

            await using var from = await source.OpenSourceAsync(token);
            await using var sourceTransaction = await from.BeginTransactionAsync(IsolationLevel.RepeatableRead, token);
            await ExecuteAsync(from, "SET TRANSACTION READ ONLY", token);
            foreach (var table in LedgerSchema.ReplicatedTables)
            {
                await using var reader = await from.BeginRawBinaryCopyAsync($"COPY {table} TO STDOUT (FORMAT binary)", token);
                await using var writer = await target.BeginRawBinaryCopyAsync($"COPY dr_staging.{table} FROM STDIN (FORMAT binary)", token);
                await reader.CopyToAsync(writer, token);
            }

            await sourceTransaction.CommitAsync(token);
            await using (var rebuild = new NpgsqlCommand($"SELECT {DrFunctions.RebuildFromStaging}()", target, targetTransaction))
            {
                rebuild.CommandTimeout = (int)Math.Ceiling(_options.RebuildTimeout.TotalSeconds);
                await rebuild.ExecuteNonQueryAsync(token);
            }

            await targetTransaction.CommitAsync(token);
            return true;
        }, cancellationToken, _options.RebuildTimeout);
    }

    /// <summary>Whether this server has the subscription (streaming or paused): it follows a writer and may be promoted.</summary>
    public Task<bool> SubscribedAsync(CancellationToken cancellationToken) =>
        RunAsync("read whether it is subscribed", (connection, token) => ScalarAsync<bool>(connection, $"SELECT {DrFunctions.Subscribed}()", token), cancellationToken);

    /// <summary>Creates <paramref name="account"/> here with no balance (its transfers bring it); false when it exists. The writer only.</summary>
    public Task<bool> RestoreAccountAsync(LedgerAccount account, CancellationToken cancellationToken) =>
        RunAsync("restore an account", async (connection, token) =>
        {
            await using var command = new NpgsqlCommand($"SELECT {DrFunctions.RestoreAccount}($1, $2, $3, $4, $5)", connection);
            command.Parameters.Add(new() { Value = account.Id });
            command.Parameters.Add(new() { Value = account.Name });
            command.Parameters.Add(new() { Value = account.Currency });
            command.Parameters.Add(new() { Value = account.AllowOverdraft });
            command.Parameters.Add(new() { Value = account.CreatedAt });
            return (bool)(await command.ExecuteScalarAsync(token))!;
        }, cancellationToken);

    /// <summary>Up to <paramref name="limit"/> accounts with an id above <paramref name="after"/>, in id order: one page of all of them.</summary>
    public Task<IReadOnlyList<LedgerAccount>> AccountsAfterAsync(Guid after, int limit, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<LedgerAccount>>("read accounts", async (connection, token) =>
        {
            await using var command = new NpgsqlCommand("SELECT id, name, currency, allow_overdraft, created_at FROM accounts WHERE id > $1 ORDER BY id LIMIT $2", connection);
            command.Parameters.Add(new() { Value = after });
            command.Parameters.Add(new() { Value = limit });
            await using var reader = await command.ExecuteReaderAsync(token);
            var accounts = new List<LedgerAccount>();
            while (await reader.ReadAsync(token))
            {
                accounts.Add(new LedgerAccount(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetFieldValue<DateTimeOffset>(4)));
            }

            return accounts;
        }, cancellationToken);

    /// <summary>Up to <paramref name="limit"/> transfers with an id above <paramref name="after"/>, in id order: one page of all of them.</summary>
    public Task<IReadOnlyList<StrandedTransfer>> TransfersAfterAsync(Guid after, int limit, CancellationToken cancellationToken) =>
        ReadTransfersAsync($"SELECT {TransferColumns} FROM transfers WHERE id > $1 ORDER BY id LIMIT $2", [after, limit], cancellationToken);

    /// <summary>Which of <paramref name="ids"/> this database holds as accounts.</summary>
    public Task<IReadOnlySet<Guid>> ExistingAccountIdsAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) =>
        ReadSetAsync<Guid>("read account ids", "SELECT id FROM accounts WHERE id = ANY($1)", ids.ToArray(), cancellationToken);

    /// <summary>Which of <paramref name="keys"/> this database holds as transfers' Idempotency-Keys.</summary>
    public Task<IReadOnlySet<string>> ExistingIdempotencyKeysAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        ReadSetAsync<string>("read idempotency keys", "SELECT idempotency_key FROM transfers WHERE idempotency_key = ANY($1)", keys.ToArray(), cancellationToken);

    /// <summary>
    /// The ledger's own checksum (LedgerStore.GetChecksumAsync: counts, total balance, balances matching entries,
    /// MD5 over balances and entries), read in one snapshot, as one string: equal in two regions holding the same ledger.
    /// </summary>
    public Task<string> ChecksumAsync(CancellationToken cancellationToken) => RunAsync("compute the checksum", async (connection, token) =>
    {
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, token);
        await using var command = new NpgsqlCommand(LedgerChecksumQuery.Sql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(token);
        await reader.ReadAsync(token);
        return string.Create(CultureInfo.InvariantCulture,
            $"accounts={reader.GetInt64(0)};transfers={reader.GetInt64(1)};entries={reader.GetInt64(2)};total={reader.GetDecimal(3)};balanced={reader.GetBoolean(4)};md5={reader.GetString(5)}");
    }, cancellationToken);

    public override string ToString() => Region;

    private Task<IReadOnlyList<StrandedTransfer>> ReadTransfersAsync(string sql, object[] parameters, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<StrandedTransfer>>("read transfers", async (connection, token) =>
        {
            await using var command = new NpgsqlCommand(sql, connection);
            foreach (var parameter in parameters)
            {
                command.Parameters.Add(new() { Value = parameter });
            }

            await using var reader = await command.ExecuteReaderAsync(token);
            var transfers = new List<StrandedTransfer>();
            while (await reader.ReadAsync(token))
            {
                transfers.Add(new StrandedTransfer(
                    reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetGuid(2), reader.GetGuid(3),
                    reader.GetDecimal(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.GetFieldValue<DateTimeOffset>(7), Acknowledged: !reader.GetBoolean(8)));
            }

            return transfers;
        }, cancellationToken);

    private Task<IReadOnlySet<T>> ReadSetAsync<T>(string operation, string sql, T[] values, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlySet<T>>(operation, async (connection, token) =>
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.Add(new() { Value = values });
            await using var reader = await command.ExecuteReaderAsync(token);
            var found = new HashSet<T>();
            while (await reader.ReadAsync(token))
            {
                found.Add(reader.GetFieldValue<T>(0));
            }

            return found;
        }, cancellationToken);

    /// <summary>An open connection here, for another region's rebuild; failing is this region's unavailability.</summary>
    private async Task<NpgsqlConnection> OpenSourceAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw new RegionDatabaseUnavailableException(Region, $"cannot be read as a rebuild's source: {ex.Message}", ex);
        }
    }

    private Task<bool> RunAsync(string operation, Func<NpgsqlConnection, CancellationToken, Task> call, CancellationToken cancellationToken) =>
        RunAsync(operation, async (connection, token) =>
        {
            await call(connection, token);
            return true;
        }, cancellationToken);

    /// <summary>
    /// One call on its own pooled connection, bounded twice: Npgsql's timeouts, and a token that fires at the bound
    /// (the wait itself ends then, whatever the driver does with a server that accepts and never answers).
    /// </summary>
    private async Task<T> RunAsync<T>(
        string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> call, CancellationToken cancellationToken, TimeSpan? bound = null)
    {
        var limit = bound ?? _options.CommandTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            return await CallAsync(timeout.Token).WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RegionDatabaseUnavailableException(Region, $"{operation} did not finish within {limit.TotalSeconds:0.###} s.", ex);
        }
        catch (PostgresException refused) when (refused.SqlState == RegionRefusedException.SqlState)
        {
            throw new RegionRefusedException(Region, refused.MessageText, refused);
        }
        catch (Exception ex) when (ex is not RegionDatabaseUnavailableException && IsUnavailable(ex))
        {
            // A server that restarted leaves every pooled connection dead: the next call must not meet them one by one.
            _dataSource.Clear();
            throw new RegionDatabaseUnavailableException(Region, $"{operation} failed: {ex.Message}", ex);
        }

        async Task<T> CallAsync(CancellationToken token)
        {
            await using var connection = await _dataSource.OpenConnectionAsync(token);
            return await call(connection, token);
        }
    }

    /// <summary>
    /// Down, hung or going away: connection failures and timeouts, and the server's own "not now" answers
    /// (transient ones, shutting down). Anything else the server answered (a missing slot, a duplicate) is not.
    /// </summary>
    private static bool IsUnavailable(Exception exception) => exception switch
    {
        TimeoutException => true,
        PostgresException postgres => postgres.IsTransient || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException => true,
        _ => false,
    };

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new() { Value = parameter });
        }

        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? default! : (T)value!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
