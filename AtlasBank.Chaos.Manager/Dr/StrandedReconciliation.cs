using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Dr.Databases;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// Re-applies the last failover's stranded transfers to the active region, each once, each audited; those the
/// account state no longer allows go to manual review with the ledger's reason. Transfers already reconciled
/// (posted, or found present) are not sent again; failed ones are, so reconciling twice is safe.
/// </summary>
public sealed class StrandedReconciliation(DrStateStore store, StrandedReconciler reconciler, AuditTrail audit)
{
    /// <summary>The last failover with what its stranded transfers came to, or null when there was no failover.</summary>
    public async Task<FailoverRecord?> ReconcileLastAsync(FailoverCommand command)
    {
        var last = await store.ListAsync(1, FailoverKinds.Failover);
        if (last.Count == 0)
        {
            return null;
        }

        var failover = last[0];
        var done = failover.Reconciliation
            .Where(result => result.Outcome is ReconcileOutcomes.Posted or ReconcileOutcomes.AlreadyPresent or ReconcileOutcomes.ManualReview)
            .ToDictionary(result => result.TransferId);
        var results = new List<ReconciledTransfer>();
        foreach (var transfer in failover.Stranded)
        {
            if (done.TryGetValue(transfer.Id, out var earlier))
            {
                results.Add(earlier);
                continue;
            }

            results.Add(await ApplyAsync(failover.FailoverId, failover.ToRegion, transfer, command));
        }

        failover = failover with { Reconciliation = results };
        await store.SaveAsync(failover, isNew: false);
        return failover;
    }

    /// <summary>Re-applies one transfer to the active region (<paramref name="region"/>) under its key, audited as part of <paramref name="failoverId"/>.</summary>
    public async Task<ReconciledTransfer> ApplyAsync(string failoverId, string region, StrandedTransfer transfer, FailoverCommand command)
    {
        var result = await reconciler.ApplyAsync(transfer, CancellationToken.None);
        await audit.RecordAsync(new AuditRecord(command.KeyId, command.Role, "DrReconcileTransfer", region, null, null,
            result.Outcome is ReconcileOutcomes.Failed ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK,
            $"{failoverId}: transfer {transfer.Id} ({transfer.Amount} {transfer.Currency}, key {transfer.IdempotencyKey}) {result.Outcome}"
            + (result.NewTransferId is { } id ? $" as {id}" : string.Empty) + (result.Reason is { } reason ? $": {reason}" : string.Empty)));
        return result;
    }

    /// <summary>Creates an account the old writer held alone in the active region (empty: its transfers follow), audited.</summary>
    public async Task RestoreAccountAsync(string failoverId, LedgerRegionDatabase writer, LedgerAccount account, FailoverCommand command)
    {
        var created = await writer.RestoreAccountAsync(account, CancellationToken.None);
        await audit.RecordAsync(new AuditRecord(command.KeyId, command.Role, "DrRestoreAccount", writer.Region, null, null, StatusCodes.Status200OK,
            $"{failoverId}: account {account.Id} ({account.Currency}, created {account.CreatedAt:O}) {(created ? "created empty" : "already present")}"));
    }
}
