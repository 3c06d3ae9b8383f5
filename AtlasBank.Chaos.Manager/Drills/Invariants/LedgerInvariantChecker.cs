using System.Data;
using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Manager.Drills.Workload;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AtlasBank.Chaos.Manager.Drills.Invariants;

/// <summary>
/// Checks a run's money invariants against the ledger DATABASES, not the ledger service: independent evidence of
/// what the service under test did. It logs in as <c>ledger_auditor</c> (SELECT on the three tables, every
/// transaction read-only) and reads everything one check needs in one REPEATABLE READ READ ONLY transaction, so
/// the numbers it compares come from one moment. Every wait is bounded by the data sources' timeouts; a database
/// that cannot be read throws <see cref="LedgerUnreachableException"/>. After a failover the "primary" is the
/// active region's database (region B's) and "DR" the other: <paramref name="activeRegion"/> says which, per check.
/// </summary>
public sealed class LedgerInvariantChecker(
    NpgsqlDataSource regionA, NpgsqlDataSource regionB, TimeProvider timeProvider, IOptions<LedgerInvariantOptions> options,
    Func<Task<string>>? activeRegion = null)
{
    /// <summary>
    /// Conservation, no negative balance, entries equal balances and acknowledged-exactly-once (for the
    /// acknowledgements so far); <paramref name="final"/> adds unknown-resolved (each unknown request looked up by
    /// its Idempotency-Key: 0 or 1 transfer, counted both ways). The acknowledgements found as asked are confirmed to
    /// the workload, which lets them go: the next check looks up only what came since, whatever the run's length.
    /// </summary>
    public async Task<IReadOnlyList<InvariantResult>> CheckAsync(BankWorkload workload, bool final, CancellationToken cancellationToken)
    {
        var evidence = workload.Evidence();
        var (results, confirmed) = await CheckEvidenceAsync(evidence, final, cancellationToken);
        workload.Confirm(confirmed);
        return results;
    }

    /// <summary>The same check against evidence given as data (tests build evidence the ledger never saw).</summary>
    internal async Task<IReadOnlyList<InvariantResult>> CheckAsync(WorkloadEvidence evidence, bool final, CancellationToken cancellationToken) =>
        (await CheckEvidenceAsync(evidence, final, cancellationToken)).Results;

    private async Task<(IReadOnlyList<InvariantResult> Results, IReadOnlySet<WorkloadRequest> Confirmed)> CheckEvidenceAsync(
        WorkloadEvidence evidence, bool final, CancellationToken cancellationToken)
    {
        var (primary, _) = await SourcesAsync();
        var snapshot = await ReadAsync(primary, "primary", (connection, token) => ReadSnapshotAsync(connection, evidence, final, token), cancellationToken);
        return (LedgerInvariantRules.Check(evidence, snapshot, final, timeProvider.GetUtcNow()), LedgerInvariantRules.Confirmed(evidence, snapshot));
    }

    /// <summary>
    /// After the workload stopped: reads the balances of the run's accounts (funding included) on the primary and on
    /// DR, one snapshot each per poll, until they are equal or <paramref name="bound"/> has passed. Seconds is how
    /// long DR took, null when it never converged. Throws <see cref="LedgerUnreachableException"/> when the primary
    /// cannot be read, or DR could not be read once within the bound.
    /// </summary>
    public Task<(InvariantResult Result, double? Seconds)> WaitForDrConvergenceAsync(BankWorkload workload, TimeSpan bound, CancellationToken cancellationToken) =>
        WaitForDrConvergenceAsync([.. workload.AccountIds, workload.FundingAccountId], bound, cancellationToken);

    internal async Task<(InvariantResult Result, double? Seconds)> WaitForDrConvergenceAsync(IReadOnlyList<Guid> accounts, TimeSpan bound, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetUtcNow();
        var polls = 0;
        LedgerUnreachableException? drUnreadable = null;
        IReadOnlyList<string>? differences = null;
        List<Guid> differing = [];
        var (primary, dr) = await SourcesAsync();
        while (true)
        {
            polls++;
            var onPrimary = await ReadAsync(primary, "primary", (connection, token) => ReadBalancesAsync(connection, accounts, token), cancellationToken);
            try
            {
                var onDr = await ReadAsync(dr, "DR", (connection, token) => ReadBalancesAsync(connection, accounts, token), cancellationToken);
                differing = [.. accounts.Where(id => onPrimary.GetValueOrDefault(id) != onDr.GetValueOrDefault(id))];
                differences = [.. differing.Select(id => $"account {id} primary {Balance(onPrimary, id)}, DR {Balance(onDr, id)}")];
                var elapsed = timeProvider.GetUtcNow() - started;
                if (differing.Count == 0)
                {
                    var total = accounts.Sum(id => onPrimary.GetValueOrDefault(id) ?? 0m);
                    return (new(LedgerInvariantNames.DrConverges, timeProvider.GetUtcNow(), true,
                        $"DR's balances of the run's {accounts.Count} accounts equal the primary's (sum {MoneyText.Of(total)}) after {elapsed.TotalSeconds:0.00} s ({polls} polls)",
                        [], []), elapsed.TotalSeconds);
                }
            }
            catch (LedgerUnreachableException ex)
            {
                drUnreadable = ex;
            }

            if (timeProvider.GetUtcNow() - started >= bound)
            {
                break;
            }

            await Task.Delay(options.Value.DrPollInterval, timeProvider, cancellationToken);
        }

        if (differences is null)
        {
            throw drUnreadable!;
        }

        return (new(LedgerInvariantNames.DrConverges, timeProvider.GetUtcNow(), false,
            $"DR's balances of the run's {accounts.Count} accounts still differ from the primary's after {bound.TotalSeconds:0.0} s ({polls} polls): {MoneyText.List(differences)}",
            differing, []), null);
    }

    /// <summary>The writer's database, and the other region's.</summary>
    private async Task<(NpgsqlDataSource Primary, NpgsqlDataSource Dr)> SourcesAsync() =>
        activeRegion is not null && await activeRegion() == DrRegions.B ? (regionB, regionA) : (regionA, regionB);

    private static string Balance(IReadOnlyDictionary<Guid, decimal?> balances, Guid id) =>
        balances.GetValueOrDefault(id) is { } balance ? MoneyText.Of(balance) : "absent";

    /// <summary>
    /// Runs <paramref name="read"/> in one REPEATABLE READ READ ONLY transaction; anything but the caller's cancellation
    /// is "unreachable". A server that restarted leaves the pool's connections dead: the pool is cleared and the read
    /// made once more on a fresh connection, so a database that is back is read, and one that is not stays unreachable.
    /// </summary>
    private static async Task<T> ReadAsync<T>(
        NpgsqlDataSource dataSource, string database, Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadOnceAsync(dataSource, read, cancellationToken);
        }
        catch (Exception ex) when (IsDeadConnection(ex))
        {
            dataSource.Clear();
        }
        catch (Exception ex) when (IsUnreachable(ex, cancellationToken))
        {
            throw new LedgerUnreachableException($"could not read the {database} ledger database: {ex.Message}", ex);
        }

        try
        {
            return await ReadOnceAsync(dataSource, read, cancellationToken);
        }
        catch (Exception ex) when (IsUnreachable(ex, cancellationToken))
        {
            throw new LedgerUnreachableException($"could not read the {database} ledger database: {ex.Message}", ex);
        }
    }

    private static async Task<T> ReadOnceAsync<T>(NpgsqlDataSource dataSource, Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
        {
            await readOnly.ExecuteNonQueryAsync(cancellationToken);
        }

        var result = await read(connection, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>A pooled connection the server ended (it restarted, or terminated the session).</summary>
    private static bool IsDeadConnection(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown }
        || exception is NpgsqlException { InnerException: IOException or System.Net.Sockets.SocketException } && exception is not PostgresException;

    private static bool IsUnreachable(Exception exception, CancellationToken cancellationToken) =>
        exception is NpgsqlException or TimeoutException or InvalidOperationException
        || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>What one check reads, in the caller's transaction (the nemesis reads each region with it too).</summary>
    internal static async Task<LedgerSnapshot> ReadSnapshotAsync(NpgsqlConnection connection, WorkloadEvidence evidence, bool final, CancellationToken cancellationToken)
    {
        Guid[] runAccounts = [.. evidence.AccountIds];
        var accounts = new Dictionary<Guid, LedgerAccountRow>();
        await using (var command = new NpgsqlCommand("""
            SELECT a.id, a.allow_overdraft, a.balance, coalesce(e.total, 0), coalesce(e.entries, 0)
            FROM accounts a
            LEFT JOIN (SELECT account_id, sum(amount) AS total, count(*) AS entries FROM entries WHERE account_id = ANY($1) GROUP BY account_id) e
                ON e.account_id = a.id
            WHERE a.id = ANY($1)
            """, connection))
        {
            command.Parameters.Add(new() { Value = (Guid[])[.. runAccounts, evidence.FundingAccountId] });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var row = new LedgerAccountRow(reader.GetGuid(0), reader.GetBoolean(1), reader.GetDecimal(2), reader.GetDecimal(3), reader.GetInt64(4));
                accounts[row.Id] = row;
            }
        }

        // The requests' transfers, by the id an acknowledgement carried and by every key whose fate is checked.
        var acknowledged = evidence.Requests.Where(request => request.Outcome == WorkloadOutcomes.Acknowledged).ToList();
        Guid[] ids = [.. acknowledged.Select(request => request.TransferId).OfType<Guid>()];
        string[] keys =
        [
            .. acknowledged.Select(request => request.IdempotencyKey),
            .. final ? evidence.Requests.Where(request => request.Outcome == WorkloadOutcomes.Unknown).Select(request => request.IdempotencyKey) : [],
        ];
        var transfers = await ReadTransfersAsync(connection,
            "SELECT id, idempotency_key, from_account_id, to_account_id, amount FROM transfers WHERE id = ANY($1) OR idempotency_key = ANY($2)",
            [ids, keys], cancellationToken);

        // Only when the total moved: which transfers crossed into or out of the run's accounts (the entries index finds them).
        var total = runAccounts.Sum(id => accounts.TryGetValue(id, out var account) ? account.Balance : 0m);
        var boundary = total == evidence.FundedTotal && accounts.Count == runAccounts.Length + 1
            ? []
            : await ReadTransfersAsync(connection, """
                SELECT DISTINCT t.id, t.idempotency_key, t.from_account_id, t.to_account_id, t.amount
                FROM entries e JOIN transfers t ON t.id = e.transfer_id
                WHERE e.account_id = ANY($1) AND NOT (t.from_account_id = ANY($1) AND t.to_account_id = ANY($1))
                """, [runAccounts], cancellationToken);
        return new LedgerSnapshot(accounts, transfers, boundary);
    }

    private static async Task<List<LedgerTransferRow>> ReadTransfersAsync(NpgsqlConnection connection, string sql, object[] parameters, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new() { Value = parameter });
        }

        var rows = new List<LedgerTransferRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new(reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetGuid(2), reader.GetGuid(3), reader.GetDecimal(4)));
        }

        return rows;
    }

    private static async Task<IReadOnlyDictionary<Guid, decimal?>> ReadBalancesAsync(NpgsqlConnection connection, IReadOnlyList<Guid> accounts, CancellationToken cancellationToken)
    {
        var balances = new Dictionary<Guid, decimal?>();
        await using var command = new NpgsqlCommand("SELECT id, balance FROM accounts WHERE id = ANY($1)", connection);
        command.Parameters.Add(new() { Value = accounts.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            balances[reader.GetGuid(0)] = reader.GetDecimal(1);
        }

        return balances;
    }
}
