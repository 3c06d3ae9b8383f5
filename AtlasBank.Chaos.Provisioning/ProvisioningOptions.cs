using AtlasBank.Chaos.Contracts.Provisioning;
using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Provisioning;

/// <summary>What the provisioning is handed (<see cref="ProvisioningSettings"/>): no default for anything secret.</summary>
public sealed class ProvisioningOptions
{
    /// <summary>Each server as its superuser (connection strings <c>postgres</c>, <c>postgres-dr</c>, <c>postgres-chaos</c>).</summary>
    public string? RegionA { get; set; }

    public string? RegionB { get; set; }

    public string? Chaos { get; set; }

    /// <summary>Every login's password, by <see cref="ProvisioningSettings.Logins"/> name.</summary>
    public Dictionary<string, string> Passwords { get; set; } = [];

    /// <summary>Where region B's server reaches region A's, for its subscription.</summary>
    public PublisherAddress Publisher { get; set; } = new();

    /// <summary>Region A's commits wait for region B; applied when region A is first provisioned, the DR controller's after.</summary>
    public bool SynchronousReplication { get; set; }

    /// <summary>How long to keep trying while a server does not answer yet (deployed, nothing starts the servers first).</summary>
    public TimeSpan ServerWait { get; set; } = TimeSpan.FromMinutes(10);

    public string Password(string login) => Passwords[login];

    internal void ReadConnectionStrings(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        RegionA ??= configuration.GetConnectionString(ProvisioningSettings.LedgerServerA);
        RegionB ??= configuration.GetConnectionString(ProvisioningSettings.LedgerServerB);
        Chaos ??= configuration.GetConnectionString(ProvisioningSettings.ChaosServer);
    }

    public sealed class PublisherAddress
    {
        public string? Host { get; set; }

        public int Port { get; set; }
    }
}

/// <summary>Names every missing setting at start, before any server is touched.</summary>
public sealed class ProvisioningOptionsValidator : IValidateOptions<ProvisioningOptions>
{
    private static readonly string[] RequiredLogins =
    [
        ProvisioningSettings.Logins.LedgerAppA, ProvisioningSettings.Logins.LedgerAppB, ProvisioningSettings.Logins.LedgerMonitor,
        ProvisioningSettings.Logins.LedgerReplicator, ProvisioningSettings.Logins.LedgerAuditorA, ProvisioningSettings.Logins.LedgerAuditorB,
        ProvisioningSettings.Logins.DrControllerA, ProvisioningSettings.Logins.DrControllerB, ProvisioningSettings.Logins.ChaosManager,
    ];

    public ValidateOptionsResult Validate(string? name, ProvisioningOptions options)
    {
        var failures = new List<string>();
        foreach (var (server, value) in new[]
        {
            (ProvisioningSettings.LedgerServerA, options.RegionA), (ProvisioningSettings.LedgerServerB, options.RegionB),
            (ProvisioningSettings.ChaosServer, options.Chaos),
        })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                failures.Add($"ConnectionStrings:{server} (the server's superuser connection string) is missing.");
            }
        }

        failures.AddRange(RequiredLogins
            .Where(login => !options.Passwords.TryGetValue(login, out var password) || string.IsNullOrEmpty(password))
            .Select(login => $"{ProvisioningSettings.Section}:Passwords:{login} is missing."));
        if (string.IsNullOrWhiteSpace(options.Publisher.Host) || options.Publisher.Port is <= 0 or > 65535)
        {
            failures.Add($"{ProvisioningSettings.Section}:Publisher:Host and :Port (where region B's server reaches region A's) are missing or invalid.");
        }

        if (options.ServerWait <= TimeSpan.Zero)
        {
            failures.Add($"{ProvisioningSettings.Section}:ServerWait must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
