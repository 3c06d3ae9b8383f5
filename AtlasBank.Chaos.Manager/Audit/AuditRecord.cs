namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>What a caller asked; the store adds id, time and the chain.</summary>
/// <param name="RequestCount">More than 1 for a row that stands for many alike requests (denials in aggregate).</param>
public sealed record AuditRecord(
    string? KeyId, string? Role, string Operation, string? Service, string? RequestBody, string? SourceAddress, int StatusCode, string? Detail,
    int RequestCount = 1)
{
    public string Outcome => AuditOutcomes.Of(StatusCode);

    /// <summary>PostgreSQL text cannot hold NUL: a hostile request must not be able to make its own audit fail.</summary>
    public AuditRecord ForStorage() => this with
    {
        KeyId = Clean(KeyId),
        Operation = Clean(Operation)!,
        Service = Clean(Service),
        RequestBody = Clean(RequestBody),
        SourceAddress = Clean(SourceAddress),
        Detail = Clean(Detail),
    };

    private static string? Clean(string? value) =>
        value is null || !value.Contains('\0', StringComparison.Ordinal) ? value : value.Replace("\0", "\\u0000", StringComparison.Ordinal);
}
