using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AtlasBank.Chaos.AppHost.Databases;

/// <summary>
/// Runs a server's <see cref="PostgresProvisioningAnnotation"/> steps, then lets the roles on it go: each
/// <see cref="PostgresRoleResource"/> of the server moves to Running, so the services waiting for it start.
/// </summary>
public static partial class PostgresProvisioning
{
    public static async Task RunAsync(IResource server, string adminConnectionString, IServiceProvider services, CancellationToken cancellationToken)
    {
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var logger = services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
        var roles = services.GetRequiredService<DistributedApplicationModel>().Resources
            .OfType<PostgresRoleResource>().Where(role => role.Server == server).ToList();
        var context = new PostgresProvisioningContext(server, adminConnectionString, services, cancellationToken);
        try
        {
            await CloseMaintenanceDatabasesAsync(context);
            foreach (var step in server.Annotations.OfType<PostgresProvisioningAnnotation>())
            {
                await step.Provision(context);
            }

            foreach (var role in roles)
            {
                role.ProvisionedConnectionString = await role.ConnectionStringExpression.GetValueAsync(cancellationToken);
                await notifications.PublishUpdateAsync(role, snapshot => snapshot.State?.Text == KnownResourceStates.Running
                    ? snapshot
                    : snapshot with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow });
            }

            LogProvisioned(logger, server.Name, roles.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Without this the roles would wait forever with nothing said: name the failure where the operator looks.
            LogProvisioningFailed(logger, ex, server.Name);
            foreach (var role in roles)
            {
                await notifications.PublishUpdateAsync(role, snapshot => snapshot with { State = KnownResourceStates.FailedToStart });
            }

            throw;
        }
    }

    /// <summary>
    /// PostgreSQL lets every role connect to <c>postgres</c> and <c>template1</c>; a service login has nothing to do
    /// there, so only the superuser may.
    /// </summary>
    private static async Task CloseMaintenanceDatabasesAsync(PostgresProvisioningContext context)
    {
        await using var admin = await context.OpenAsync("postgres");
        await PostgresRoles.ExecuteAsync(admin, "REVOKE CONNECT, TEMPORARY ON DATABASE postgres, template1 FROM PUBLIC", context.CancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Provisioned roles, tables and grants on {Server} ({Roles} service logins ready).")]
    private static partial void LogProvisioned(ILogger logger, string server, int roles);

    [LoggerMessage(Level = LogLevel.Error, Message = "Provisioning {Server} failed; the services using it will not start.")]
    private static partial void LogProvisioningFailed(ILogger logger, Exception exception, string server);
}
