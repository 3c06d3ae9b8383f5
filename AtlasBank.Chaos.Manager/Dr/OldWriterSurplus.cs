using AtlasBank.Chaos.Manager.Dr.Databases;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// Everything one region holds that another lacks: accounts by id, transfers by id and by Idempotency-Key (a transfer
/// reconciled into the other region has a new id under the same key). Read page by page over the whole ledger, not
/// from a time window: a failback must not destroy a transfer because its clock or the failover's capture missed it.
/// </summary>
public sealed record OldWriterSurplus(IReadOnlyList<LedgerAccount> Accounts, IReadOnlyList<StrandedTransfer> Transfers)
{
    private const int PageSize = 5_000;

    public bool IsEmpty => Accounts.Count == 0 && Transfers.Count == 0;

    public static async Task<OldWriterSurplus> FindAsync(LedgerRegionDatabase holder, LedgerRegionDatabase other, CancellationToken cancellationToken)
    {
        var accounts = new List<LedgerAccount>();
        for (var after = Guid.Empty; ;)
        {
            var page = await holder.AccountsAfterAsync(after, PageSize, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            var present = await other.ExistingAccountIdsAsync([.. page.Select(account => account.Id)], cancellationToken);
            accounts.AddRange(page.Where(account => !present.Contains(account.Id)));
            after = page[^1].Id;
        }

        var transfers = new List<StrandedTransfer>();
        for (var after = Guid.Empty; ;)
        {
            var page = await holder.TransfersAfterAsync(after, PageSize, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            var presentIds = await other.ExistingTransferIdsAsync([.. page.Select(transfer => transfer.Id)], cancellationToken);
            var missing = page.Where(transfer => !presentIds.Contains(transfer.Id)).ToList();
            var keys = missing.Select(transfer => transfer.IdempotencyKey).OfType<string>().ToList();
            var presentKeys = keys.Count == 0 ? new HashSet<string>() : await other.ExistingIdempotencyKeysAsync(keys, cancellationToken);
            transfers.AddRange(missing.Where(transfer => transfer.IdempotencyKey is not { } key || !presentKeys.Contains(key)));
            after = page[^1].Id;
        }

        // Oldest first: an account's history is replayed in the order it happened.
        return new OldWriterSurplus(
            [.. accounts.OrderBy(account => account.CreatedAt)],
            [.. transfers.OrderBy(transfer => transfer.CreatedAt).ThenBy(transfer => transfer.Id)]);
    }
}
