namespace AtlasBank.Chaos.Manager.Audit;

/// <param name="BrokenAtId">The first row whose hash or link does not verify; null when the chain is whole.</param>
public sealed record AuditVerification(bool Valid, long RowsChecked, long? BrokenAtId, string? Reason);
