using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// The one failover or failback going on, across replicas: a lease in Redis, taken with a TTL and renewed every third
/// of it while its holder lives, released by its holder only. A holder that dies (or stalls) stops renewing and the
/// lease runs out, so <see cref="DrTakeover"/> can take the operation over; a holder that stalled and wakes learns it
/// lost the lease (<see cref="ThrowIfLost"/>) before its next step and stops, leaving the operation to the taker.
/// </summary>
public sealed class DrLock : IAsyncDisposable
{
    private readonly DrStateStore _store;
    private readonly TimeSpan _ttl;
    private readonly TimeProvider _timeProvider;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewal;
    private long _validUntilTicks;
    private bool _lost;

    private DrLock(DrStateStore store, string holder, TimeSpan ttl, TimeProvider timeProvider)
    {
        (_store, Holder, _ttl, _timeProvider) = (store, holder, ttl, timeProvider);
        _validUntilTicks = (timeProvider.GetUtcNow() + ttl).UtcTicks;
        _renewal = RenewAsync();
    }

    public string Holder { get; }

    /// <summary>Takes the lock, or throws <see cref="DrConflictException"/> naming the failover that holds it.</summary>
    public static async Task<DrLock> TakeAsync(DrStateStore store, string holder, TimeSpan ttl, TimeProvider timeProvider)
    {
        if (!await store.TryLockAsync(holder, ttl))
        {
            var running = await store.LockHolderAsync();
            throw new DrConflictException($"A failover or failback is in progress ({running ?? "just ending"}); wait for it to end.", running);
        }

        return new DrLock(store, holder, ttl, timeProvider);
    }

    /// <summary>
    /// Throws <see cref="DrLeaseLostException"/> once the lease is gone or may be: another holder took it, or no renewal
    /// succeeded for a whole TTL (Redis did not answer, so another replica may have taken it by now).
    /// </summary>
    public void ThrowIfLost()
    {
        if (Volatile.Read(ref _lost) || _timeProvider.GetUtcNow().UtcTicks >= Interlocked.Read(ref _validUntilTicks))
        {
            throw new DrLeaseLostException(Holder);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewal;
        _stop.Dispose();
        if (!Volatile.Read(ref _lost))
        {
            await _store.ReleaseLockAsync(Holder);
        }
    }

    private async Task RenewAsync()
    {
        using var timer = new PeriodicTimer(_ttl / 3, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var asked = _timeProvider.GetUtcNow();
                try
                {
                    if (!await _store.RenewLockAsync(Holder, _ttl))
                    {
                        Volatile.Write(ref _lost, true);
                        return;
                    }

                    // Valid for a TTL from when it was asked, not from when Redis answered.
                    Interlocked.Exchange(ref _validUntilTicks, (asked + _ttl).UtcTicks);
                }
                catch (RedisException)
                {
                    // Tried again next tick; ThrowIfLost says so once a whole TTL passed without a renewal.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Released.
        }
    }
}
