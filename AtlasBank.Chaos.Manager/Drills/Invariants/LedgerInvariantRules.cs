using AtlasBank.Chaos.Manager.Drills.Workload;

namespace AtlasBank.Chaos.Manager.Drills.Invariants;

/// <summary>
/// The money invariants as pure judgements of one snapshot against what the workload recorded, after the checker of
/// Jepsen's bank test: each result says what was compared, and a violation names the accounts and transfers.
/// </summary>
internal static class LedgerInvariantRules
{
    public static IReadOnlyList<InvariantResult> Check(WorkloadEvidence evidence, LedgerSnapshot snapshot, bool final, DateTimeOffset at)
    {
        List<InvariantResult> results =
        [
            Conservation(evidence, snapshot, at),
            NoNegativeBalance(evidence, snapshot, at),
            EntriesEqualBalances(evidence, snapshot, at),
            AcknowledgedExactlyOnce(evidence, snapshot, at),
        ];
        if (final)
        {
            results.Add(UnknownResolved(evidence, snapshot, at));
        }

        return results;
    }

    /// <summary>The run's accounts' total, as funded; the total alone cannot say where money went, so this names the accounts whose balance is not their entries, or the transfers that crossed the run's boundary.</summary>
    public static InvariantResult Conservation(WorkloadEvidence evidence, LedgerSnapshot snapshot, DateTimeOffset at)
    {
        var total = evidence.AccountIds.Sum(id => snapshot.Accounts.TryGetValue(id, out var account) ? account.Balance : 0m);
        var missing = evidence.AccountIds.Where(id => !snapshot.Accounts.ContainsKey(id)).ToList();
        var summary = $"the run's {evidence.AccountIds.Count} accounts total {MoneyText.Of(total)}, funded {MoneyText.Of(evidence.FundedTotal)}";
        if (missing.Count == 0 && total == evidence.FundedTotal)
        {
            return new(LedgerInvariantNames.Conservation, at, true, summary + " (unchanged)", [], []);
        }

        var mismatched = Mismatched(evidence.AccountIds, snapshot);
        var fundingKeys = evidence.FundingKeys.ToHashSet(StringComparer.Ordinal);
        var crossing = snapshot.BoundaryTransfers.Where(transfer => transfer.IdempotencyKey is null || !fundingKeys.Contains(transfer.IdempotencyKey)).ToList();
        var runAccounts = evidence.AccountIds.ToHashSet();
        List<string> findings = [.. missing.Select(id => $"account {id} is missing"), .. mismatched.Select(Describe)];
        findings.AddRange(crossing.Select(transfer =>
            $"transfer {transfer.Id} moved {MoneyText.Of(transfer.Amount)} from {transfer.From} to {transfer.To} across the run's accounts"));
        if (findings.Count == 0)
        {
            findings.Add("every balance equals its entries and no transfer but the funding crossed the run's accounts");
        }

        IReadOnlyList<Guid> accounts =
        [
            .. missing, .. mismatched.Select(account => account.Id),
            .. crossing.SelectMany(transfer => new[] { transfer.From, transfer.To }).Where(runAccounts.Contains),
        ];
        return new(LedgerInvariantNames.Conservation, at, false,
            $"{summary} ({MoneyText.Signed(total - evidence.FundedTotal)}); {MoneyText.List(findings)}",
            [.. accounts.Distinct()], [.. crossing.Select(transfer => transfer.Id.ToString())]);
    }

    public static InvariantResult NoNegativeBalance(WorkloadEvidence evidence, LedgerSnapshot snapshot, DateTimeOffset at)
    {
        // The run opened every one of its accounts without overdraft, whatever the row says now.
        var negative = evidence.AccountIds
            .Select(id => snapshot.Accounts.GetValueOrDefault(id))
            .OfType<LedgerAccountRow>()
            .Where(account => account.Balance < 0)
            .ToList();
        return negative.Count == 0
            ? new(LedgerInvariantNames.NoNegativeBalance, at, true,
                $"none of the run's {evidence.AccountIds.Count} accounts (no overdraft) is below 0.00", [], [])
            : new(LedgerInvariantNames.NoNegativeBalance, at, false,
                MoneyText.List([.. negative.Select(account => $"account {account.Id} (no overdraft) holds {MoneyText.Of(account.Balance)}")]),
                [.. negative.Select(account => account.Id)], []);
    }

    public static InvariantResult EntriesEqualBalances(WorkloadEvidence evidence, LedgerSnapshot snapshot, DateTimeOffset at)
    {
        IReadOnlyList<Guid> checkedAccounts = [.. evidence.AccountIds, evidence.FundingAccountId];
        var mismatched = Mismatched(checkedAccounts, snapshot);
        if (mismatched.Count == 0)
        {
            var entries = checkedAccounts.Sum(id => snapshot.Accounts.GetValueOrDefault(id)?.Entries ?? 0);
            return new(LedgerInvariantNames.EntriesEqualBalances, at, true,
                $"each of the run's {checkedAccounts.Count} accounts (funding included) holds the sum of its entries ({entries} entries)", [], []);
        }

        return new(LedgerInvariantNames.EntriesEqualBalances, at, false, MoneyText.List([.. mismatched.Select(Describe)]),
            [.. mismatched.Select(account => account.Id)], []);
    }

    /// <summary>
    /// Every acknowledged request's transfer exists, once, under its own key, with the accounts and amount asked for; no
    /// key of the run has two transfers. Looks up the acknowledgements no earlier check confirmed, and counts those
    /// that were (<see cref="WorkloadEvidence.Settled"/>).
    /// </summary>
    public static InvariantResult AcknowledgedExactlyOnce(WorkloadEvidence evidence, LedgerSnapshot snapshot, DateTimeOffset at)
    {
        var acknowledged = evidence.Requests.Where(request => request.Outcome == WorkloadOutcomes.Acknowledged).ToList();
        var byId = ById(snapshot);
        var byKey = ByKey(snapshot);
        var findings = new List<string>();
        var accounts = new List<Guid>();
        var transfers = new List<string>();
        foreach (var request in acknowledged)
        {
            if (Wrong(request, byId, byKey) is var (finding, named))
            {
                findings.Add(finding);
                accounts.AddRange([request.From, request.To]);
                transfers.AddRange(named);
            }
        }

        foreach (var (key, rows) in byKey.Where(pair => pair.Value.Count > 1))
        {
            findings.Add($"Idempotency-Key {key} has {rows.Count} transfers: {string.Join(", ", rows.Select(row => row.Id))}");
            accounts.AddRange(rows.SelectMany(row => new[] { row.From, row.To }));
            transfers.AddRange(rows.Select(row => row.Id.ToString()));
        }

        var settled = evidence.Settled;
        var total = settled.AcknowledgedConfirmed + acknowledged.Count;
        var notKept = settled.AcknowledgedNotKept == 0
            ? string.Empty
            : $"; {settled.AcknowledgedNotKept} more were let go unchecked (more than the workload keeps waited for a check)";
        return findings.Count == 0
            ? new(LedgerInvariantNames.AcknowledgedExactlyOnce, at, true,
                total == 0
                    ? "no transfer acknowledged yet" + notKept
                    : $"all {total} acknowledged transfers exist once, each under its own Idempotency-Key, with the accounts and amount asked for{notKept}",
                [], [])
            : new(LedgerInvariantNames.AcknowledgedExactlyOnce, at, false,
                $"{findings.Count} of {total} acknowledged: {MoneyText.List(findings)}{notKept}", [.. accounts.Distinct()], [.. transfers.Distinct()]);
    }

    /// <summary>
    /// The acknowledgements this snapshot shows held (their transfer exists once, as asked, and their key has no
    /// other): an earlier check's word for them, so the next check need not look them up again.
    /// </summary>
    public static IReadOnlySet<WorkloadRequest> Confirmed(WorkloadEvidence evidence, LedgerSnapshot snapshot)
    {
        var byId = ById(snapshot);
        var byKey = ByKey(snapshot);
        return evidence.Requests
            .Where(request => request.Outcome == WorkloadOutcomes.Acknowledged)
            .Where(request => Wrong(request, byId, byKey) is null && byKey.GetValueOrDefault(request.IdempotencyKey) is not { Count: > 1 })
            .ToHashSet<WorkloadRequest>(ReferenceEqualityComparer.Instance);
    }

    /// <summary>Every unknown outcome, looked up by its key, exists once (as asked) or not at all; says how many resolved each way.</summary>
    public static InvariantResult UnknownResolved(WorkloadEvidence evidence, LedgerSnapshot snapshot, DateTimeOffset at)
    {
        var unknown = evidence.Requests.Where(request => request.Outcome == WorkloadOutcomes.Unknown).ToList();
        var byKey = ByKey(snapshot);
        var (existing, absent) = (0, 0);
        var findings = new List<string>();
        var accounts = new List<Guid>();
        var transfers = new List<string>();
        foreach (var request in unknown)
        {
            switch (byKey.GetValueOrDefault(request.IdempotencyKey))
            {
                case null or []:
                    absent++;
                    break;
                case [var transfer] when Matches(transfer, request):
                    existing++;
                    break;
                case var rows:
                    findings.Add(rows.Count == 1
                        ? $"Idempotency-Key {request.IdempotencyKey} ({Asked(request)}) resolved to transfer {rows[0].Id} holding {Held(rows[0])}"
                        : $"Idempotency-Key {request.IdempotencyKey} resolved to {rows.Count} transfers: {string.Join(", ", rows.Select(row => row.Id))}");
                    accounts.AddRange([request.From, request.To]);
                    transfers.AddRange(rows.Select(row => row.Id.ToString()));
                    break;
            }
        }

        var counted = $"{unknown.Count} unknown outcomes looked up by Idempotency-Key: {existing} exist once, {absent} absent";
        if (evidence.Settled.UnknownNotKept > 0)
        {
            counted += $" ({evidence.Settled.UnknownNotKept} more were let go unchecked: more than the workload keeps waited for the final check)";
        }

        return findings.Count == 0
            ? new(LedgerInvariantNames.UnknownResolved, at, true, counted, [], [])
            : new(LedgerInvariantNames.UnknownResolved, at, false, $"{counted}, {findings.Count} wrong: {MoneyText.List(findings)}",
                [.. accounts.Distinct()], [.. transfers.Distinct()]);
    }

    /// <summary>What is wrong with one acknowledgement in the snapshot, and the transfers to name; null when it held.</summary>
    private static (string Finding, IReadOnlyList<string> Named)? Wrong(
        WorkloadRequest request, Dictionary<Guid, LedgerTransferRow> byId, Dictionary<string, List<LedgerTransferRow>> byKey)
    {
        if (request.TransferId is { } id)
        {
            if (!byId.TryGetValue(id, out var transfer))
            {
                return ($"transfer {id} (Idempotency-Key {request.IdempotencyKey}) was acknowledged but does not exist", [id.ToString()]);
            }

            return transfer.IdempotencyKey != request.IdempotencyKey || !Matches(transfer, request)
                ? ($"transfer {id} was acknowledged for Idempotency-Key {request.IdempotencyKey} ({Asked(request)}) but holds {Held(transfer)}", [id.ToString()])
                : null;
        }

        return byKey.GetValueOrDefault(request.IdempotencyKey) is not [var only] || !Matches(only, request)
            ? ($"Idempotency-Key {request.IdempotencyKey} was acknowledged (no id in the answer) but has {byKey.GetValueOrDefault(request.IdempotencyKey)?.Count ?? 0} matching transfers", [])
            : null;
    }

    private static Dictionary<Guid, LedgerTransferRow> ById(LedgerSnapshot snapshot) =>
        snapshot.Transfers.GroupBy(transfer => transfer.Id).ToDictionary(group => group.Key, group => group.First());

    /// <summary>Accounts whose balance is not the sum of their entries (missing accounts are not listed here).</summary>
    private static List<LedgerAccountRow> Mismatched(IEnumerable<Guid> ids, LedgerSnapshot snapshot) =>
        [.. ids.Select(id => snapshot.Accounts.GetValueOrDefault(id)).OfType<LedgerAccountRow>().Where(account => account.Balance != account.EntriesSum)];

    private static Dictionary<string, List<LedgerTransferRow>> ByKey(LedgerSnapshot snapshot) =>
        snapshot.Transfers
            .Where(transfer => transfer.IdempotencyKey is not null)
            .DistinctBy(transfer => transfer.Id)
            .GroupBy(transfer => transfer.IdempotencyKey!, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.ToList(), StringComparer.Ordinal);

    private static bool Matches(LedgerTransferRow transfer, WorkloadRequest request) =>
        transfer.From == request.From && transfer.To == request.To && transfer.Amount == request.Amount;

    private static string Describe(LedgerAccountRow account) =>
        $"account {account.Id} balance {MoneyText.Of(account.Balance)}, its entries sum to {MoneyText.Of(account.EntriesSum)} ({MoneyText.Signed(account.Balance - account.EntriesSum)})";

    private static string Asked(WorkloadRequest request) => $"{MoneyText.Of(request.Amount)} from {request.From} to {request.To}";

    private static string Held(LedgerTransferRow transfer) =>
        $"{MoneyText.Of(transfer.Amount)} from {transfer.From} to {transfer.To} under key {transfer.IdempotencyKey ?? "none"}";
}
