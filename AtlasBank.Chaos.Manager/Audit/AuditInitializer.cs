using AtlasBank.Chaos.Contracts.Provisioning;
using AtlasBank.Chaos.ServiceDefaults.Startup;
using Npgsql;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// Waits at start until chaosdb holds the provisioning version the manager needs and the audit table answers, retrying
/// until it does; the manager is not ready before.
/// </summary>
public sealed class AuditInitializer(AuditStore audit, TimeProvider timeProvider, ILogger<AuditInitializer> logger)
    : StartupInitializer(timeProvider, logger)
{
    protected override string ReadyMessage => "The audit table is ready.";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => audit.CheckTableAsync(cancellationToken);

    protected override bool IsTransient(Exception exception) => exception is NpgsqlException or TimeoutException or SchemaNotProvisionedException;
}
