namespace AtlasBank.Chaos.AppHost.Databases;

/// <summary>
/// A service's own login to one database: its connection string names a least-privilege role, not the
/// superuser. It stays <c>Waiting</c> until the AppHost has provisioned its server (roles, tables, grants), so a
/// service that waits for it starts on a ready database.
/// </summary>
/// <param name="name">The resource name (what the dashboard shows; the service may reference it under another name).</param>
/// <param name="roleName">The PostgreSQL role.</param>
/// <param name="databaseName">The database it connects to.</param>
/// <param name="server">The server resource, whose provisioning makes this role usable.</param>
/// <param name="serverAddress"><c>Host=…;Port=…</c> as the services reach the server.</param>
/// <param name="password">The role's password, a secret parameter.</param>
public sealed class PostgresRoleResource(
    string name, string roleName, string databaseName, IResource server, ReferenceExpression serverAddress, ParameterResource password)
    : Resource(name), IResourceWithConnectionString
{
    public string RoleName { get; } = roleName;

    public string DatabaseName { get; } = databaseName;

    public IResource Server { get; } = server;

    public ParameterResource Password { get; } = password;

    /// <summary>Set once provisioned; the resource's health check logs in with it.</summary>
    internal string? ProvisionedConnectionString { get; set; }

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{serverAddress};Username={RoleName};Password={Password};Database={DatabaseName}");
}
