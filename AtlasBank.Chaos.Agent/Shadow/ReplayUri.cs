namespace AtlasBank.Chaos.Agent.Shadow;

/// <summary>
/// Builds the URI a replay is sent to: a service's base address plus a sample's relative path. A sample's path
/// comes from whoever called the primary, so anything that could leave that base address — <c>//host/x</c>
/// (a network-path reference), <c>http://host/x</c>, backslashes, slashes hidden as <c>%2F</c> or <c>%5C</c> —
/// is refused, and the built URI's scheme, host and port are checked against the base address's once more.
/// </summary>
public static class ReplayUri
{
    /// <summary>The URI to send, or null with <paramref name="refusal"/> saying why nothing may be sent.</summary>
    public static Uri? TryBuild(Uri? baseAddress, string? pathAndQuery, out string? refusal)
    {
        refusal = Refusal(baseAddress, pathAndQuery, out var uri);
        return refusal is null ? uri : null;
    }

    private static string? Refusal(Uri? baseAddress, string? pathAndQuery, out Uri? uri)
    {
        uri = null;
        if (baseAddress is not { IsAbsoluteUri: true })
        {
            return "Refused to replay: the client has no absolute base address.";
        }

        if (string.IsNullOrEmpty(pathAndQuery) || !pathAndQuery.StartsWith('/'))
        {
            return $"Refused to replay '{pathAndQuery}': not a path relative to the host.";
        }

        var path = pathAndQuery.Split('?', 2)[0];
        var decoded = Uri.UnescapeDataString(path);
        if (path.StartsWith("//", StringComparison.Ordinal) || decoded.StartsWith("//", StringComparison.Ordinal)
            || decoded.Contains('\\', StringComparison.Ordinal) || path.Contains("%2F", StringComparison.OrdinalIgnoreCase))
        {
            return $"Refused to replay '{pathAndQuery}': its path could name another host.";
        }

        if (!Uri.TryCreate(baseAddress, pathAndQuery, out uri) || !SameAuthority(baseAddress, uri))
        {
            return $"Refused to replay '{pathAndQuery}': it does not stay on {baseAddress.GetLeftPart(UriPartial.Authority)}.";
        }

        return null;
    }

    private static bool SameAuthority(Uri baseAddress, Uri uri) =>
        Uri.Compare(baseAddress, uri, UriComponents.SchemeAndServer | UriComponents.UserInfo, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) == 0;
}
