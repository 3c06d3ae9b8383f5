namespace AtlasBank.Chaos.Contracts.Shadow;

/// <summary>
/// The spec's environment variables for shadow traffic. Each is an alias of a <c>Shadow:*</c> key and wins
/// over it when set, so a deployment written against the spec works unchanged.
/// </summary>
public static class ShadowSpecVariables
{
    /// <summary>Alias of <c>Shadow:Source</c>.</summary>
    public const string Source = "SHADOW_SRC";

    /// <summary>Alias of <c>Shadow:Destination</c>.</summary>
    public const string Destination = "SHADOW_DST";

    /// <summary>Alias of <c>Shadow:Rate</c>.</summary>
    public const string Rate = "SHADOW_RATE";

    /// <summary>Alias of <c>Shadow:KeyPrefix</c>.</summary>
    public const string KeyPrefix = "REDIS_KEY_PREFIX";
}
