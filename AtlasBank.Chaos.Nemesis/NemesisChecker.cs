using System.Data;
using AtlasBank.Chaos.Manager.Drills.Invariants;
using AtlasBank.Chaos.Manager.Drills.Workload;
using Npgsql;

namespace AtlasBank.Chaos.Nemesis;

/// <summary>
/// Judges one schedule from its history and the final state of both ledger databases, nothing else. The money
/// invariants are the drills' own (<see cref="LedgerInvariantRules"/>, read with the drills' snapshot query, at home):
/// conservation, no negative balance, entries equal balances, acknowledged exactly once, unknown resolved. On top, what
/// only a nemesis can see: every <c>fail</c> absent in both regions, no key twice in either region, both regions
/// equal once the workload stopped (within a bound), the bank home, and <see cref="SplitBrainRule"/>.
/// </summary>
/// <remarks>
/// A transfer is identified by its Idempotency-Key: the reconciler re-posts a stranded transfer under its key and the
/// ledger gives it a new id, so the acknowledged id is not passed to the rules (they then match the key's single
/// transfer on accounts and amount); a changed id is counted as <see cref="NemesisVerdict.Renumbered"/>.
/// </remarks>
public sealed class NemesisChecker(NemesisTarget target, TimeProvider timeProvider)
{
    private static readonly TimeSpan ReadBound = TimeSpan.FromSeconds(60);

    // The faults' connections give up in seconds (a frozen server must not hold a step); the check runs once every
    // fault is healed, and on a loaded machine its reads may well take longer than that.
    private readonly string _regionA = Patient(target.RegionAConnectionString);
    private readonly string _regionB = Patient(target.RegionBConnectionString);

    public async Task<NemesisVerdict> CheckAsync(
        BankAccounts accounts, IReadOnlyList<TransferRecord> transfers, bool home, int skipped, TimeSpan convergenceBound)
    {
        var regionsEqual = await WaitForEqualRegionsAsync(convergenceBound);
        var started = timeProvider.GetUtcNow();
        var evidence = new WorkloadEvidence(accounts.AccountIds, accounts.FundingAccountId, accounts.FundedTotal, accounts.FundingKeys,
            [.. transfers.Select(t => new WorkloadRequest(t.IdempotencyKey, t.From, t.To, t.Amount, Outcome(t.Type), null,
                started + t.InvokedAt, (t.CompletedAt - t.InvokedAt).TotalMilliseconds, t.Detail))]);

        LedgerSnapshot snapshot;
        await using (var connection = new NpgsqlConnection(_regionA))
        {
            await connection.OpenAsync().WaitAsync(ReadBound);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
            snapshot = await LedgerInvariantChecker.ReadSnapshotAsync(connection, evidence, final: true, CancellationToken.None).WaitAsync(ReadBound);
        }

        var invariants = LedgerInvariantRules.Check(evidence, snapshot, final: true, timeProvider.GetUtcNow());
        var atHome = await KeyCountsAsync(_regionA, accounts.RunId);
        var atRegionB = await KeyCountsAsync(_regionB, accounts.RunId);

        var acknowledged = transfers.Where(t => t.Type == OperationType.Ok).ToList();
        var info = transfers.Where(t => t.Type == OperationType.Info).ToList();
        var failed = transfers.Where(t => t.Type == OperationType.Fail).ToList();
        var lost = acknowledged.Where(t => atHome.GetValueOrDefault(t.IdempotencyKey).Count == 0).ToList();
        var doubled = atHome.Concat(atRegionB).Where(pair => pair.Value.Count > 1).Select(pair => pair.Key).Distinct().ToList();
        var renumbered = acknowledged.Count(t => atHome.GetValueOrDefault(t.IdempotencyKey) is { Count: 1 } row && row.Id != t.TransferId);
        var failedPresent = failed.Where(t => atHome.ContainsKey(t.IdempotencyKey) || atRegionB.ContainsKey(t.IdempotencyKey)).ToList();
        var total = accounts.AccountIds.Sum(id => snapshot.Accounts.TryGetValue(id, out var account) ? account.Balance : 0m);
        var splitBrain = SplitBrainRule.Violations(transfers);

        var anomalies = new List<string>();
        anomalies.AddRange(invariants.Where(result => !result.Holds).Select(result => $"{result.Invariant}: {result.Evidence}"));
        anomalies.AddRange(lost.Select(t => $"lost: {t.IdempotencyKey} acknowledged as {t.TransferId} by {t.Region}@{t.Epoch} at {t.CompletedAt.TotalSeconds:0.000} s, absent at home"));
        anomalies.AddRange(doubled.Select(key => $"doubled: {key} has {atHome.GetValueOrDefault(key).Count} transfers at home, {atRegionB.GetValueOrDefault(key).Count} on region B"));
        anomalies.AddRange(failedPresent.Select(t => $"failed but present: {t.IdempotencyKey} ({t.Detail})"));
        anomalies.AddRange(splitBrain.Select(finding => $"split-brain: {finding}"));
        if (!regionsEqual)
        {
            anomalies.Add($"regions differ {convergenceBound.TotalSeconds} s after the workload stopped (accounts' balances or transfer ids)");
        }

        if (!home)
        {
            anomalies.Add("the bank did not end home (region A writing, region B streaming)");
        }

        var span = transfers.Count == 0 ? TimeSpan.Zero : transfers.Max(t => t.InvokedAt) - transfers.Min(t => t.InvokedAt);
        var sentPerSecond = span > TimeSpan.Zero ? transfers.Count / span.TotalSeconds : 0;
        return new NemesisVerdict(sentPerSecond, acknowledged.Count, failed.Count, info.Count,
            info.Count(t => atHome.ContainsKey(t.IdempotencyKey)), info.Count(t => !atHome.ContainsKey(t.IdempotencyKey)), skipped,
            lost.Count, doubled.Count, renumbered, total - accounts.FundedTotal, regionsEqual, home, splitBrain, invariants, anomalies);
    }

    private static string Patient(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 30, CommandTimeout = 60 }.ConnectionString;

    private static string Outcome(OperationType type) => type switch
    {
        OperationType.Ok => WorkloadOutcomes.Acknowledged,
        OperationType.Fail => WorkloadOutcomes.Rejected,
        _ => WorkloadOutcomes.Unknown,
    };

    /// <summary>Both regions' accounts (id, balance) and transfer ids, digested, equal within <paramref name="bound"/>.</summary>
    private async Task<bool> WaitForEqualRegionsAsync(TimeSpan bound)
    {
        var started = timeProvider.GetTimestamp();
        do
        {
            var a = await DigestAsync(_regionA);
            var b = await DigestAsync(_regionB);
            if (a is not null && a == b)
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), timeProvider);
        }
        while (timeProvider.GetElapsedTime(started) < bound);

        return false;
    }

    private static async Task<string?> DigestAsync(string connectionString)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync().WaitAsync(ReadBound);
            await using var command = new NpgsqlCommand("""
                SELECT (SELECT count(*) FROM transfers)::text
                    || ':' || (SELECT coalesce(md5(string_agg(id::text, ',' ORDER BY id)), '') FROM transfers)
                    || ':' || (SELECT coalesce(md5(string_agg(id::text || '=' || balance::text, ',' ORDER BY id)), '') FROM accounts)
                """, connection);
            return (string?)await command.ExecuteScalarAsync().WaitAsync(ReadBound);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>Every key of the run in one region: how many transfers it has, and the id of the first.</summary>
    private static async Task<Dictionary<string, (int Count, Guid Id)>> KeyCountsAsync(string connectionString, string runId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync().WaitAsync(ReadBound);
        await using var command = new NpgsqlCommand(
            "SELECT idempotency_key, count(*), min(id::text)::uuid FROM transfers WHERE starts_with(idempotency_key, $1) GROUP BY idempotency_key", connection);
        command.Parameters.Add(new() { Value = runId + "-" });
        var counts = new Dictionary<string, (int, Guid)>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync().WaitAsync(ReadBound);
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = ((int)reader.GetInt64(1), reader.GetGuid(2));
        }

        return counts;
    }
}
