using Npgsql;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// The one writer of audit rows. A change opens the chain before it is applied and fails closed when it cannot
/// (<see cref="BeginChangeAsync"/>); what has already happened — a read, a denial, a rate-limit rejection — is
/// recorded best effort (<see cref="RecordAsync"/>): its answer stands and an audit outage is logged.
/// </summary>
public sealed partial class AuditTrail(AuditStore store, ILogger<AuditTrail> logger)
{
    /// <summary>Opens the chain for one change; throws <see cref="NpgsqlException"/> or <see cref="TimeoutException"/> when it cannot.</summary>
    public Task<AuditScope> BeginChangeAsync(CancellationToken cancellationToken) => store.BeginAsync(cancellationToken);

    /// <summary>Appends one row in its own transaction; logs instead of throwing when the audit is unavailable.</summary>
    public async Task RecordAsync(AuditRecord record)
    {
        try
        {
            await store.AppendAsync(record, CancellationToken.None);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            LogNotAudited(record.Operation, record.StatusCode, ex.Message);
        }
    }

    public static bool IsUnavailable(Exception exception) => exception is NpgsqlException or TimeoutException;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Operation} ({Status}) was not audited: the audit log cannot be written ({Reason}).")]
    private partial void LogNotAudited(string operation, int status, string reason);
}
