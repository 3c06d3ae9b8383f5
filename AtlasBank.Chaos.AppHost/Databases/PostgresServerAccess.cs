using System.Globalization;
using AtlasBank.Chaos.AppHost.Infrastructure;
using Npgsql;

namespace AtlasBank.Chaos.AppHost.Databases;

/// <summary>
/// What provisioning needs from a PostgreSQL server, whichever mode provides it: the local process
/// (<see cref="ProcessPostgresServerResource"/>) or Aspire's container (<see cref="PostgresServerResource"/>).
/// </summary>
internal static class PostgresServerAccess
{
    /// <summary>The server a database resource lives on, and the database's name there.</summary>
    public static (IResource Server, string DatabaseName) Of(IResourceWithConnectionString database) => database switch
    {
        ProcessPostgresDatabaseResource local => (local.Parent, local.DatabaseName),
        PostgresDatabaseResource container => (container.Parent, container.DatabaseName),
        _ => throw new ArgumentException($"'{database.Name}' is not a PostgreSQL database resource.", nameof(database)),
    };

    /// <summary><c>Host=…;Port=…</c> as the services reach the server (in a manifest: as the deployment does).</summary>
    public static ReferenceExpression Address(IResource server) => server switch
    {
        ProcessPostgresServerResource local => ReferenceExpression.Create($"Host=127.0.0.1;Port={local.Port.ToString(CultureInfo.InvariantCulture)}"),
        PostgresServerResource container => ReferenceExpression.Create($"Host={container.Host};Port={container.Port}"),
        _ => throw Unsupported(server),
    };

    /// <summary>A local server's address as another local server reaches it (containers: DataServices says).</summary>
    public static (string Host, int Port) LocalAddress(IResource server) => server is ProcessPostgresServerResource local
        ? ("127.0.0.1", local.Port)
        : throw new InvalidOperationException($"'{server.Name}' is a container: how other containers reach it is DataServices.PublisherHostOverride.");

    /// <summary>How the AppHost reaches the server, host-side, as the superuser.</summary>
    public static async Task<string> AdminConnectionStringAsync(IResource server, CancellationToken cancellationToken)
    {
        var connectionString = server switch
        {
            ProcessPostgresServerResource local => local.AdminConnectionString,
            PostgresServerResource container => await container.GetConnectionStringAsync(cancellationToken)
                ?? throw new InvalidOperationException($"'{server.Name}' has no connection string yet."),
            _ => throw Unsupported(server),
        };

        return new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Timeout = 5 }.ConnectionString;
    }

    /// <summary>
    /// The superuser steps to run whenever the server is ready. Processes mode runs them in its own ready hook
    /// (before its databases turn Running); a container server gets a ready handler of its own.
    /// </summary>
    public static void AddProvisioning(IDistributedApplicationBuilder builder, IResource server, Func<PostgresProvisioningContext, Task> step)
    {
        var first = !server.Annotations.OfType<PostgresProvisioningAnnotation>().Any();
        server.Annotations.Add(new PostgresProvisioningAnnotation(step));
        if (first && server is PostgresServerResource container)
        {
            builder.Eventing.Subscribe<ResourceReadyEvent>(container, async (ready, cancellationToken) =>
                await PostgresProvisioning.RunAsync(container, await AdminConnectionStringAsync(container, cancellationToken), ready.Services, cancellationToken));
        }
    }

    private static ArgumentException Unsupported(IResource server) =>
        new($"'{server.Name}' is not a PostgreSQL server resource.", nameof(server));
}
