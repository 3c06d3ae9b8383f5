using AtlasBank.Chaos.Contracts.Dr;

namespace AtlasBank.Chaos.ServiceDefaults.Dr;

/// <summary>
/// Sends a call to the logical ledger (<c>http://ledger/...</c>) to the active region's ledger service (<c>ledgerapi</c>
/// or <c>ledgerapi-dr</c>), same scheme, port, path and query. Sits inside the standard resilience handler and outside
/// chaos and service discovery, so both see the real service. The logical address is kept on the request, so every
/// send of it, the resilience handler's retries included, goes where the routing points at that moment. Other hosts
/// pass through untouched.
/// </summary>
public sealed class ActiveRegionHandler(DrRoutingCache routing) : DelegatingHandler
{
    /// <summary>The address the caller used, kept on the request by its first send through this handler.</summary>
    public static readonly HttpRequestOptionsKey<Uri> LogicalUri = new("AtlasBank.Dr.LogicalUri");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var logical = request.Options.TryGetValue(LogicalUri, out var kept) ? kept : request.RequestUri;
        if (IsLogicalLedger(logical))
        {
            request.Options.Set(LogicalUri, logical!);
            request.RequestUri = Resolve(logical!, routing.Current.ActiveRegion);
        }

        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>Whether <paramref name="uri"/> addresses the logical ledger (<see cref="DrRegions.LogicalLedgerHost"/>).</summary>
    public static bool IsLogicalLedger(Uri? uri) =>
        uri is { IsAbsoluteUri: true } && string.Equals(uri.Host, DrRegions.LogicalLedgerHost, StringComparison.OrdinalIgnoreCase);

    /// <summary><paramref name="logical"/> with its host replaced by <paramref name="region"/>'s ledger service.</summary>
    public static Uri Resolve(Uri logical, string region) =>
        new UriBuilder(logical) { Host = DrRegions.LedgerServiceOf(region) }.Uri;
}
