namespace AtlasBank.Chaos.Manager.Dr.Databases;

/// <summary>
/// One region's ledger database as the DR controller role sees it: the fence, the writer grant, positions,
/// the subscription and slot, the stranded-write reads and the rebuild. Every call is bounded; a database that
/// is down or does not answer in time is a <see cref="RegionDatabaseUnavailableException"/>.
/// </summary>
public sealed class LedgerRegionDatabase
{
    public required string Region { get; init; }

    /// <summary>Revokes the ledger's write grant and ends its sessions; answers the WAL position after the fence.</summary>
    public Task<string> FenceWritesAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task GrantWritesAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<bool> WritesGrantedAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<RegionPosition> PositionAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>The subscription's last confirmed position on this server; null when it has none.</summary>
    public Task<string?> SubscriptionPositionAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Disables and drops this server's subscription, leaving the slot; false when there was none.</summary>
    public Task<bool> DetachSubscriptionAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Drops the subscription's slot on this (publishing) server; false when absent or still in use.</summary>
    public Task<bool> DropSlotAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task CreateSlotAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Region B only: subscribes to region A's publication over the existing slot, without copying data.</summary>
    public Task SubscribeAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<bool> SubscriptionStreamingAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<string> SynchronousStandbyNamesAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<DateTimeOffset?> LatestTransferAtAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<StrandedTransfer>> TransfersSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public Task<IReadOnlySet<Guid>> ExistingTransferIdsAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Replaces this database's ledger with <paramref name="source"/>'s, in one transaction and one snapshot of the source.</summary>
    public Task ReinitialiseFromAsync(LedgerRegionDatabase source, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<string> ChecksumAsync(CancellationToken cancellationToken) => throw new NotImplementedException();
}
