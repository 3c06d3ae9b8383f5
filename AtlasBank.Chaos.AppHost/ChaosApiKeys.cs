using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace AtlasBank.Chaos.AppHost;

/// <summary>
/// The chaos API keys, handed from one place to every service that takes them (the manager and the agent); services
/// receive only each key's SHA-256. Run locally, the admin key is the secret parameter <c>chaos-api-key</c> (set it
/// with <c>Parameters__chaos-api-key</c>; generated when unset, shown in the dashboard) and the AppHost hashes it.
/// Deployed there is no AppHost to hash it: the deployer keeps the key and supplies only its SHA-256, the parameter
/// <c>chaos-api-key-hash</c>, so the key itself never reaches the cloud. Further keys
/// (<c>ChaosManager:ExtraApiKeys:N:Id/Hash/Role</c>, hashes only, optional per-key limits) follow it.
/// </summary>
public static class ChaosApiKeys
{
    public const string ParameterName = "chaos-api-key";
    public const string HashParameterName = "chaos-api-key-hash";
    public const string AdminKeyId = "admin";
    private const string ExtraKeysSection = "ChaosManager:ExtraApiKeys";

    /// <summary>Run mode: the admin key. Published: its SHA-256 (hex), which the deployer supplies.</summary>
    public static IResourceBuilder<ParameterResource> AddChaosApiKey(this IDistributedApplicationBuilder builder) =>
        builder.ExecutionContext.IsRunMode
            ? builder.AddParameter(ParameterName, new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true)
            : builder.AddParameter(HashParameterName, secret: true);

    public static IResourceBuilder<ProjectResource> WithChaosApiKeys(this IResourceBuilder<ProjectResource> service, IResourceBuilder<ParameterResource> adminKey)
    {
        service.WithEnvironment("ChaosManager__ApiKeys__0__Id", AdminKeyId)
            .WithEnvironment("ChaosManager__ApiKeys__0__Role", "admin");
        if (service.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            service.WithEnvironment(async context =>
            {
                var key = await adminKey.Resource.GetValueAsync(context.CancellationToken) ?? string.Empty;
                context.EnvironmentVariables["ChaosManager__ApiKeys__0__Hash"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
            });
        }
        else
        {
            service.WithEnvironment("ChaosManager__ApiKeys__0__Hash", adminKey);
        }

        // ExtraApiKeys:0:Id → ChaosManager__ApiKeys__1__Id: slot 0 is the admin key.
        foreach (var setting in service.ApplicationBuilder.Configuration.GetSection(ExtraKeysSection).AsEnumerable(makePathsRelative: true).Where(pair => pair.Value is not null))
        {
            var parts = setting.Key.Split(':');
            var slot = int.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture) + 1;
            service.WithEnvironment($"ChaosManager__ApiKeys__{slot.ToString(CultureInfo.InvariantCulture)}__{string.Join("__", parts[1..])}", setting.Value!);
        }

        return service;
    }
}
