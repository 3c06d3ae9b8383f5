using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.ServiceDefaults.Chaos;
using Microsoft.Extensions.ServiceDiscovery.Http;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// The manager's own calls to each region's ledger, one attempt each, no retries:
/// <list type="bullet">
/// <item><see cref="IsServingAsync"/>, the detector's probe, goes through the chaos handler: it must see region A
/// down exactly when callers do, injected failure included;</item>
/// <item><see cref="ReadRoleAsync"/>, the fence check, does not: it asks the ledger what it really does.</item>
/// </list>
/// </summary>
public sealed class RegionLedgers : IDisposable
{
    private readonly HttpClient _control;
    private readonly HttpClient _asCallersSeeIt;

    public RegionLedgers(IServiceDiscoveryHttpMessageHandlerFactory serviceDiscovery, ChaosHandler chaos)
    {
        _control = new HttpClient(serviceDiscovery.CreateHandler(NewSocketsHandler()));
        chaos.InnerHandler = serviceDiscovery.CreateHandler(NewSocketsHandler());
        _asCallersSeeIt = new HttpClient(chaos);
    }

    /// <summary>True when the region's ledger answers its health check within <paramref name="timeout"/>.</summary>
    public async Task<bool> IsServingAsync(string region, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        try
        {
            using var response = await _asCallersSeeIt.GetAsync(LedgerUri(region, "/health"), bound.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or InvalidOperationException
                                   && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>What the region's ledger says of its writes; null when it does not answer within <paramref name="timeout"/>.</summary>
    public async Task<LedgerRole?> ReadRoleAsync(string region, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        try
        {
            return await _control.GetFromJsonAsync<LedgerRole>(LedgerUri(region, "/dr/role"), bound.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException or InvalidOperationException
                                   && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _control.Dispose();
        _asCallersSeeIt.Dispose();
    }

    private static Uri LedgerUri(string region, string path) => new($"http://{DrRegions.LedgerServiceOf(region)}{path}");

    private static SocketsHttpHandler NewSocketsHandler() => new() { PooledConnectionLifetime = TimeSpan.FromMinutes(2) };

    /// <summary>The part of a ledger's <c>GET /dr/role</c> a fence check reads.</summary>
    public sealed record LedgerRole(string? Region, string? ActiveRegion, long Epoch, bool Switching, bool Writable, long WritesInFlight);
}
