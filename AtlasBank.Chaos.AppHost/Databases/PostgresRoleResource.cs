namespace AtlasBank.Chaos.AppHost.Databases;

/// <summary>
/// A service's own login to one database: its connection string names a least-privilege role, not the superuser. The
/// provisioning creates the role; until it has, the login's health check (it logs in) is unhealthy.
/// </summary>
/// <param name="name">The resource name (what the dashboard shows, under its database; the service may reference it under another name).</param>
/// <param name="roleName">The PostgreSQL role.</param>
/// <param name="databaseName">The database it connects to.</param>
/// <param name="database">The database resource, the login's parent.</param>
/// <param name="serverAddress"><c>Host=…;Port=…</c> as the services reach the server.</param>
/// <param name="password">The role's password, a secret parameter.</param>
public sealed class PostgresRoleResource(
    string name, string roleName, string databaseName, IResourceWithConnectionString database, ReferenceExpression serverAddress, ParameterResource password)
    : Resource(name), IResourceWithConnectionString, IResourceWithParent<IResourceWithConnectionString>
{
    public string RoleName { get; } = roleName;

    public string DatabaseName { get; } = databaseName;

    public IResourceWithConnectionString Parent { get; } = database;

    public ParameterResource Password { get; } = password;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{serverAddress};Username={RoleName};Password={Password};Database={DatabaseName}");
}
