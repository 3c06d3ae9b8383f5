namespace AtlasBank.Chaos.Manager.Audit;

public static class AuditOutcomes
{
    public const string Allowed = "allowed";
    public const string Denied = "denied";
    public const string Rejected = "rejected";
    public const string Failed = "failed";

    /// <summary>allowed (2xx/3xx), denied (401, 403, 409 halt, 429), rejected (other 4xx), failed (5xx).</summary>
    public static string Of(int status) => status switch
    {
        < 400 => Allowed,
        401 or 403 or 409 or 429 => Denied,
        < 500 => Rejected,
        _ => Failed,
    };
}
