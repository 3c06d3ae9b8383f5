using AtlasBank.Chaos.Manager.Dr.Databases;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// The transfers one region committed that the other lacks, by id (replication keeps ids): looked for from the
/// other's newest transfer back by a lookback, since commit order and the ledger's clock may differ a little.
/// </summary>
public static class StrandedWrites
{
    public static async Task<IReadOnlyList<StrandedTransfer>> FindAsync(
        LedgerRegionDatabase committedIn, LedgerRegionDatabase missingFrom, TimeSpan lookback, CancellationToken cancellationToken)
    {
        var newest = await missingFrom.LatestTransferAtAsync(cancellationToken);
        var since = newest is { } at ? at - lookback : DateTimeOffset.MinValue;
        var candidates = await committedIn.TransfersSinceAsync(since, cancellationToken);
        if (candidates.Count == 0)
        {
            return [];
        }

        var present = await missingFrom.ExistingTransferIdsAsync([.. candidates.Select(transfer => transfer.Id)], cancellationToken);
        return [.. candidates.Where(transfer => !present.Contains(transfer.Id)).OrderBy(transfer => transfer.CreatedAt).ThenBy(transfer => transfer.Id)];
    }
}
