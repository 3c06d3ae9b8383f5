using System.Globalization;

namespace AtlasBank.Chaos.AppHost.Infrastructure;

/// <summary>A real <c>postgres</c> server process that looks like Aspire's PostgreSQL server resource.</summary>
public sealed class ProcessPostgresServerResource(string name, string command, string dataRoot, int port, string password, LocalBinaries binaries)
    : ExecutableResource(name, command, dataRoot), IResourceWithConnectionString
{
    public const string SuperUser = "postgres";

    public string DataRoot { get; } = dataRoot;

    public string DataDirectory => Path.Combine(DataRoot, "data");

    public string SocketDirectory => Path.Combine(DataRoot, "socket");

    public int Port { get; } = port;

    internal string Password { get; } = password;

    public LocalBinaries Binaries { get; } = binaries;

    public List<ProcessPostgresDatabaseResource> Databases { get; } = [];

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username={SuperUser};Password={Password}");

    internal string AdminConnectionString =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username={SuperUser};Password={Password};Database=postgres;Timeout=5";
}
