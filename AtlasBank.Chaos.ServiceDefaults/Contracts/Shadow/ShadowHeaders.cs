namespace AtlasBank.Chaos.Contracts.Shadow;

/// <summary>HTTP headers shadow traffic adds to requests.</summary>
public static class ShadowHeaders
{
    /// <summary>Marks the agent's own requests, which the primary must never sample (or replays would breed replays).</summary>
    public const string Replay = "X-Shadow-Replay";
}
