namespace AtlasBank.Chaos.Tests.Chaos;

/// <summary>Tests of the chaos manager that start and end with no experiment and no halt, whatever they did.</summary>
public abstract class CleanChaosStateTests(AtlasAppFixture fixture) : IAsyncLifetime
{
    protected AtlasAppFixture Fixture { get; } = fixture;

    protected ChaosManagerClient Admin { get; } = new(fixture.CreateManagerClient(AtlasAppFixture.AdminKey));

    public async Task InitializeAsync()
    {
        using var lift = await Admin.Http.DeleteAsync("/chaos/halt");
        await Admin.DisableEverythingAsync();
    }

    public Task DisposeAsync() => InitializeAsync();
}
