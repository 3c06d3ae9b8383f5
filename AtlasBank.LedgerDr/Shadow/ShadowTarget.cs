namespace AtlasBank.LedgerDr.Shadow;

/// <summary>
/// Which request targets the tap may hand to the agent: only origin-form paths that matched a ledger route.
/// A target the agent could mistake for another host (<c>//host/x</c>, an encoded or back slash, an
/// absolute-form <c>http://host/x</c>) is never sampled, so DR's base address is the only place a replay goes.
/// </summary>
public static class ShadowTarget
{
    /// <summary>Whether a request with this raw target and path, routed to <paramref name="endpoint"/>, may be sampled.</summary>
    /// <param name="rawTarget">The request line's target as sent (null when the server gave none: the path is used).</param>
    public static bool IsSafe(string? rawTarget, string path, Endpoint? endpoint) =>
        endpoint is RouteEndpoint && IsOriginForm(rawTarget ?? path) && IsOriginForm(path);

    /// <summary>A single leading slash, and no backslash or slash hidden behind percent-encoding in the path.</summary>
    public static bool IsOriginForm(string target) => IsOriginPath(target.Split('?', 2)[0]);

    private static bool IsOriginPath(string target) =>
        target.StartsWith('/')
        && !target.StartsWith("//", StringComparison.Ordinal)
        && !target.Contains('\\', StringComparison.Ordinal)
        && !target.Contains("%2F", StringComparison.OrdinalIgnoreCase)
        && !target.Contains("%5C", StringComparison.OrdinalIgnoreCase);
}
