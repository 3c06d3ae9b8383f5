using AtlasBank.Chaos.ServiceDefaults.Startup;
using Npgsql;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>Creates the audit table at start, retrying until it can; the manager is not ready before.</summary>
public sealed class AuditInitializer(AuditStore audit, TimeProvider timeProvider, ILogger<AuditInitializer> logger)
    : StartupInitializer(timeProvider, logger)
{
    protected override string ReadyMessage => "The audit table is ready.";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => audit.EnsureSchemaAsync(cancellationToken);

    protected override bool IsTransient(Exception exception) => exception is NpgsqlException or TimeoutException;
}
