using System.Security.Cryptography;
using Aspire.Hosting.Publishing;

namespace AtlasBank.Chaos.AppHost;

/// <summary>
/// The audit chain's HMAC key: the secret parameter <c>chaos-audit-key</c>, 32 random bytes as hex. Run locally it
/// is generated when unset and kept in the AppHost's user secrets, so it survives restarts as the audit rows would;
/// a deployment must be given one (<c>openssl rand -hex 32</c>). Only the manager receives it, never the database.
/// </summary>
public static class ChaosAuditKey
{
    public const string ParameterName = "chaos-audit-key";
    private const int KeyBytes = 32;

    public static IResourceBuilder<ParameterResource> AddChaosAuditKey(this IDistributedApplicationBuilder builder) =>
        builder.ExecutionContext.IsRunMode
            ? builder.AddParameter(ParameterName, new RandomHexParameterDefault(), secret: true, persist: true)
            // The manifest's generator knows only letters, digits and symbols, not hex: the deployer supplies the key.
            : builder.AddParameter(ParameterName, secret: true);

    public static IResourceBuilder<ProjectResource> WithChaosAuditKey(this IResourceBuilder<ProjectResource> manager, IResourceBuilder<ParameterResource> key) =>
        manager.WithEnvironment("ChaosManager__Audit__Key", key);

    /// <summary>32 bytes from the OS's CSPRNG, as lowercase hex: what the manager requires of the key.</summary>
    private sealed class RandomHexParameterDefault : ParameterDefault
    {
        public override string GetDefaultValue() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyBytes));

        public override void WriteToManifest(ManifestPublishingContext context) =>
            throw new NotSupportedException($"{ParameterName} is generated only when run locally; a deployment supplies it.");
    }
}
