using System.Globalization;

namespace AtlasBank.Chaos.Hosting;

/// <summary>A real <c>postgres</c> server process that looks like Aspire's PostgreSQL server resource.</summary>
/// <param name="passwordParameter">The superuser's password: the parameter <c>{name}-password</c>, as with the container resource.</param>
public sealed class ProcessPostgresServerResource(string name, string command, string dataRoot, int port, ParameterResource passwordParameter, LocalBinaries binaries)
    : ExecutableResource(name, command, dataRoot), IResourceWithConnectionString
{
    public const string SuperUser = "postgres";

    public string DataRoot { get; } = dataRoot;

    public string DataDirectory => Path.Combine(DataRoot, "data");

    public string SocketDirectory => Path.Combine(DataRoot, "socket");

    public int Port { get; } = port;

    public ParameterResource PasswordParameter { get; } = passwordParameter;

    /// <summary>The parameter's value, read once before the server first starts (initdb needs it in a file).</summary>
    internal string? Password { get; private set; }

    public LocalBinaries Binaries { get; } = binaries;

    public List<ProcessPostgresDatabaseResource> Databases { get; } = [];

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username={SuperUser};Password={PasswordParameter}");

    internal string AdminConnectionString =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username={SuperUser};Password={Password ?? throw new InvalidOperationException($"'{Name}' has not started yet.")};Database=postgres;Timeout=5";

    internal async Task ResolvePasswordAsync(CancellationToken cancellationToken) =>
        Password ??= await PasswordParameter.GetValueAsync(cancellationToken)
            ?? throw new InvalidOperationException($"The parameter '{PasswordParameter.Name}' has no value.");
}
