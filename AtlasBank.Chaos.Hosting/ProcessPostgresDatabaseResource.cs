namespace AtlasBank.Chaos.Hosting;

/// <summary>A database on a <see cref="ProcessPostgresServerResource"/>, created once the server is ready.</summary>
public sealed class ProcessPostgresDatabaseResource(string name, string databaseName, ProcessPostgresServerResource parent)
    : Resource(name), IResourceWithParent<ProcessPostgresServerResource>, IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;

    public ProcessPostgresServerResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent.ConnectionStringExpression};Database={DatabaseName}");
}
