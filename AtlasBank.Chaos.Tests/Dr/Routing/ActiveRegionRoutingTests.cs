using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.ServiceDefaults.Dr;
using AtlasBank.Chaos.Tests.Chaos;
using AtlasBank.Chaos.Tests.Ledger;
using AtlasBank.LedgerDr.Dr;
using Microsoft.Extensions.DependencyInjection;

namespace AtlasBank.Chaos.Tests.Dr.Routing;

/// <summary>
/// The routing state in Redis decides which ledger takes writes and where <c>http://ledger</c> goes, in every process,
/// within moments of the manager publishing it. Every test ends with region A active again, at a higher epoch.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class ActiveRegionRoutingTests(AtlasAppFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan PropagationBound = TimeSpan.FromSeconds(10);
    private readonly LedgerClient _regionA = new(fixture.CreateClient("ledgerapi"));
    private readonly LedgerClient _regionB = new(fixture.CreateClient("ledgerapi-dr"));
    private readonly ChaosManagerClient _manager = new(fixture.CreateClient("chaos-manager"));
    private RoutingAdmin _routing = null!;

    public async Task InitializeAsync()
    {
        _routing = await RoutingAdmin.ConnectAsync(fixture);
        await _routing.HoldDrLockAsync();
    }

    public async Task DisposeAsync()
    {
        // Whatever a test did, the bank goes home: region A, a higher epoch, seen by both ledgers.
        var home = await _routing.SetAsync(DrRegions.A);
        await WaitForBothLedgersAsync(home);
        await _manager.DisableEverythingAsync();
        await _routing.ReleaseDrLockAsync();
    }

    [Fact]
    public async Task WithRegionBActiveTheRegionALedgerRefusesWritesNamingRegionBAndBothLedgersReportIt()
    {
        var (funding, customer) = await _regionA.CreateFundedPairAsync(5m);

        var state = await _routing.SetAsync(DrRegions.B);
        await WaitForBothLedgersAsync(state);

        var roleA = await RoleAsync(_regionA);
        Assert.Equal(new LedgerRoleStatus(DrRegions.A, "primary", DrRegions.B, state.Epoch, false, false, true, state.ChangedAt, 0), roleA);
        var roleB = await RoleAsync(_regionB);
        Assert.Equal(new LedgerRoleStatus(DrRegions.B, "dr", DrRegions.B, state.Epoch, false, true, true, state.ChangedAt, 0), roleB);

        using var createAccount = await _regionA.Http.PostAsJsonAsync("/accounts", new { name = "refused-on-a", currency = "EUR" });
        using var transfer = await _regionA.PostTransferAsync(funding.Id, customer.Id, 1m);
        foreach (var refused in new[] { createAccount, transfer })
        {
            var problem = await ProblemAsync(refused, HttpStatusCode.Conflict);
            Assert.Equal(ActiveRegionWriteGate.ReadOnlyProblemType, problem.GetProperty("type").GetString());
            Assert.Contains(DrRegions.B, problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(5m, (await _regionA.GetAccountAsync(customer.Id))!.Balance);
    }

    [Fact]
    public async Task WithRegionBActiveItsLedgerLetsAWriteThroughAndADatabaseNotYetPromotedRefusesItWithA503()
    {
        var state = await _routing.SetAsync(DrRegions.B);
        await WaitForBothLedgersAsync(state);

        // Only the routing moved: B's database was never promoted, so it refuses; the caller is told to retry, never a 500.
        using var createAccount = await _regionB.Http.PostAsJsonAsync("/accounts", new { name = "refused-by-b-database", currency = "EUR" });

        var problem = await ProblemAsync(createAccount, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("This region's ledger database does not take writes.", problem.GetProperty("title").GetString());
        Assert.True(createAccount.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task WhileTheWriterIsSwitchingNeitherLedgerTakesWritesAndCallersAreToldToRetryInASecond()
    {
        var state = await _routing.SetAsync(DrRegions.B, switching: true);
        await WaitForBothLedgersAsync(state);

        foreach (var ledger in new[] { _regionA, _regionB })
        {
            Assert.False((await RoleAsync(ledger)).Writable);
            using var createAccount = await ledger.Http.PostAsJsonAsync("/accounts", new { name = "refused-while-switching", currency = "EUR" });

            var problem = await ProblemAsync(createAccount, HttpStatusCode.ServiceUnavailable);
            Assert.Equal(ActiveRegionWriteGate.SwitchingProblemType, problem.GetProperty("type").GetString());
            Assert.Equal(TimeSpan.FromSeconds(1), createAccount.Headers.RetryAfter?.Delta);
        }
    }

    [Fact]
    public async Task BackOnRegionAAtAHigherEpochTheRegionALedgerWritesAgainAndRegionBRefuses()
    {
        await WaitForBothLedgersAsync(await _routing.SetAsync(DrRegions.B));

        var home = await _routing.SetAsync(DrRegions.A);
        await WaitForBothLedgersAsync(home);

        var account = await _regionA.CreateAccountAsync($"written-after-failback-{Guid.NewGuid():N}");
        Assert.Equal(DrRegions.A, (await RoleAsync(_regionA)).Region);
        using var refused = await _regionB.Http.PostAsJsonAsync("/accounts", new { name = "refused-on-b", currency = "EUR" });
        var problem = await ProblemAsync(refused, HttpStatusCode.Conflict);
        Assert.Contains(DrRegions.A, problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.NotNull(await _regionA.GetAccountAsync(account.Id));
    }

    [Fact]
    public async Task AMessageThatIsNotARoutingStateLeavesEveryLedgerWhereItWas()
    {
        var state = await _routing.SetAsync(DrRegions.B);
        await WaitForBothLedgersAsync(state);

        await _routing.PublishRawAsync("""{"ActiveRegion":"region-z","Epoch":999999,"Switching":false}""");
        await _routing.PublishRawAsync("not json");
        // A valid state published after them arrives after them: once it is seen, they were ignored.
        var next = await _routing.SetAsync(DrRegions.B);
        await WaitForBothLedgersAsync(next);

        Assert.Equal(next.Epoch, (await RoleAsync(_regionA)).Epoch);
    }

    [Fact]
    public async Task AServiceCallingTheLogicalLedgerReachesTheActiveRegionsLedger()
    {
        await using var service = await ServiceDefaultsClientHost.StartAsync(fixture);
        var routing = service.Services.GetRequiredService<DrRoutingCache>();
        using var client = service.CreateClient();
        await Eventually.TrueAsync(() => Task.FromResult(routing.Known), PropagationBound, "the service to read the routing");
        Assert.Equal(DrRegions.A, (await LogicalRoleAsync(client)).Region);

        var state = await _routing.SetAsync(DrRegions.B);
        await Eventually.TrueAsync(() => Task.FromResult(routing.Current.Epoch == state.Epoch), PropagationBound, "the service to follow the routing to region B");

        Assert.Equal(DrRegions.B, (await LogicalRoleAsync(client)).Region);
    }

    [Fact]
    public async Task ChaosOnLedgerRegionAFailsEveryCallToRegionAsLedgerAndNoneToRegionBs()
    {
        await using var service = await ServiceDefaultsClientHost.StartAsync(fixture);
        using var client = service.CreateClient();
        await Eventually.TrueAsync(() => Task.FromResult(service.Services.GetRequiredService<DrRoutingCache>().Known), PropagationBound, "the service to read the routing");

        await _manager.EnableAsync("""{"Service":"ledger-region-a","Mode":"failure","FailureRate":1.0}""");
        await Eventually.TrueAsync(async () => await StatusAsync(client, "http://ledgerapi/health") == HttpStatusCode.ServiceUnavailable,
            PropagationBound, "calls to ledgerapi to fail");

        using var viaLogical = await client.GetAsync("http://ledger/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, viaLogical.StatusCode);
        Assert.Equal(ChaosHeaders.Fault, viaLogical.Headers.GetValues(ChaosHeaders.Injected).Single());
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "http://ledgerapi-dr/health"));
    }

    /// <summary>Polls both ledgers' <c>/dr/role</c> until each follows <paramref name="state"/>.</summary>
    private Task<TimeSpan> WaitForBothLedgersAsync(DrRoutingState state) =>
        Eventually.TrueAsync(
            async () => (await RoleAsync(_regionA)).Epoch == state.Epoch && (await RoleAsync(_regionB)).Epoch == state.Epoch,
            PropagationBound,
            async () => $"both ledgers to follow {state.ActiveRegion} at epoch {state.Epoch}; A: {await RoleAsync(_regionA)}, B: {await RoleAsync(_regionB)}");

    private static async Task<LedgerRoleStatus> RoleAsync(LedgerClient ledger)
    {
        using var response = await ledger.Http.GetAsync("/dr/role");
        return await HttpJson.ReadAsync<LedgerRoleStatus>(response);
    }

    private static async Task<LedgerRoleStatus> LogicalRoleAsync(HttpClient client)
    {
        using var response = await client.GetAsync($"http://{DrRegions.LogicalLedgerHost}/dr/role");
        return await HttpJson.ReadAsync<LedgerRoleStatus>(response);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return response.StatusCode;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
