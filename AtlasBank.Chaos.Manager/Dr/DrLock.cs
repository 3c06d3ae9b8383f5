namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>The one failover or failback going on, across replicas: taken with a TTL, released by its holder only.</summary>
public sealed class DrLock : IAsyncDisposable
{
    private readonly DrStateStore _store;
    private readonly string _holder;

    private DrLock(DrStateStore store, string holder) => (_store, _holder) = (store, holder);

    /// <summary>Takes the lock, or throws <see cref="DrConflictException"/> naming the failover that holds it.</summary>
    public static async Task<DrLock> TakeAsync(DrStateStore store, string holder, TimeSpan ttl)
    {
        if (!await store.TryLockAsync(holder, ttl))
        {
            var running = await store.LockHolderAsync();
            throw new DrConflictException($"A failover or failback is in progress ({running ?? "just ending"}); wait for it to end.", running);
        }

        return new DrLock(store, holder);
    }

    public async ValueTask DisposeAsync() => await _store.ReleaseLockAsync(_holder);
}
