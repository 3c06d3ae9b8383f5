namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// One entry read from the audit spool: the <see cref="Row"/> to chain, or why it is poison (<see cref="Rejection"/>,
/// one of <see cref="SpoolRejection"/>, and <see cref="Detail"/>) with its <see cref="Fields"/> as found, for the dead letter.
/// </summary>
public sealed record SpoolEntry(
    string StreamId, SpooledAuditRecord? Row, string? Rejection, string? Detail, IReadOnlyDictionary<string, string> Fields)
{
    public static SpoolEntry Poison(string streamId, IReadOnlyDictionary<string, string> fields, string rejection, string detail) =>
        new(streamId, null, rejection, detail, fields);
}

/// <summary>Why a spool entry is never chained.</summary>
public static class SpoolRejection
{
    /// <summary>A field is missing or does not parse.</summary>
    public const string Malformed = "malformed";

    /// <summary>No valid MAC under the audit key: written with the Redis credentials alone.</summary>
    public const string Unauthenticated = "unauthenticated";
}
