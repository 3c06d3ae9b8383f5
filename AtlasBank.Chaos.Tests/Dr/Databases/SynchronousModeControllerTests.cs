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
    public async Task InSynchronousModeTheControllerFencesAndGrantsOnRegionAAfterItsStandbyIsGone()
    {
        await using var regions = await RegionDatabases.CreateAsync(fixture);
        try
        {
            await SynchronousReplication.SetAsync(fixture, synchronous: true);
            Assert.Equal(SynchronousReplication.StandbyNames, await regions.A.SynchronousStandbyNamesAsync(CancellationToken.None));
            await regions.A.FenceWritesAsync(CancellationToken.None).WaitAsync(Generous);
            Assert.True(await regions.B.DetachSubscriptionAsync(CancellationToken.None));
            Assert.True(await regions.A.DropSlotAsync(CancellationToken.None));
            // The standby is gone: an ordinary commit on A now waits for it...
            Assert.True(await SynchronousReplication.CommitsWaitForAStandbyAsync(fixture, TimeSpan.FromSeconds(5)),
                "an ordinary commit on A should wait for the lost synchronous standby");

            // ...and the controller's do not: each call ends within its bound, done.
            await regions.A.GrantWritesAsync(CancellationToken.None).WaitAsync(Generous);
            Assert.True(await regions.A.WritesGrantedAsync(CancellationToken.None));
            await regions.A.FenceWritesAsync(CancellationToken.None).WaitAsync(Generous);
            Assert.False(await regions.A.WritesGrantedAsync(CancellationToken.None));
            await regions.A.CreateSlotAsync(CancellationToken.None).WaitAsync(Generous);
        }
        finally
        {
            await SynchronousReplication.SetAsync(fixture, synchronous: false);
            await regions.RestoreHomeAsync();
        }

        Assert.Equal(string.Empty, await regions.A.SynchronousStandbyNamesAsync(CancellationToken.None));
    }
}
