using AtlasBank.Chaos.Tests.Dr.Routing;

namespace AtlasBank.Chaos.Tests.Dr.Databases;

/// <summary>
/// Synchronous mode: A commits only once B has the transaction. A failover loses B as A's standby, and the
/// controller must still fence and grant on A without waiting for it.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class SynchronousModeControllerTests(AtlasAppFixture fixture)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task InSynchronousModeTheControllerFencesGrantsAndTurnsTheModeOffOnRegionAOnceItsStandbyIsGone()
    {
        await using var regions = await RegionDatabases.CreateAsync(fixture);
        var a = regions.A;
        // Region A stays the routing's writer: without the lock the fence keeper would give it its grant back.
        await using var drLock = await RoutingAdmin.HoldDrLockAsync(fixture);
        var epoch = await regions.EpochAsync(CancellationToken.None);
        try
        {
            await SynchronousReplication.SetAsync(fixture, synchronous: true);
            Assert.Equal(SynchronousReplication.StandbyNames, await a.SynchronousStandbyNamesAsync(CancellationToken.None));
            await a.FenceWritesAsync(epoch, CancellationToken.None).WaitAsync(Generous);
            Assert.True(await regions.B.DetachSubscriptionAsync(CancellationToken.None));
            Assert.True(await a.DropSlotAsync(CancellationToken.None));
            // The standby is gone: an ordinary commit on A now waits for it...
            await SynchronousReplication.WaitUntilCommitsWaitForAStandbyAsync(fixture);

            // ...and the controller's do not: each call ends within its bound, done.
            await a.GrantWritesAsync(epoch, CancellationToken.None).WaitAsync(Generous);
            Assert.True(await a.WritesGrantedAsync(CancellationToken.None));
            await a.FenceWritesAsync(epoch, CancellationToken.None).WaitAsync(Generous);
            Assert.False(await a.WritesGrantedAsync(CancellationToken.None));

            // The controller turns the mode off: A's commits return again, and a slot can be made (it waits for
            // every running transaction, a commit stuck waiting for the standby included).
            await a.SetSynchronousReplicationAsync(false, CancellationToken.None).WaitAsync(Generous);
            await Eventually.TrueAsync(async () => await a.SynchronousStandbyNamesAsync(CancellationToken.None) == string.Empty,
                Generous, "A's synchronous_standby_names reset");
            await SynchronousReplication.CommitOnRegionAAsync(fixture);
            await a.CreateSlotAsync(CancellationToken.None).WaitAsync(Generous);
        }
        finally
        {
            await SynchronousReplication.SetAsync(fixture, synchronous: false);
            await regions.RestoreHomeAsync();
        }
    }
}
