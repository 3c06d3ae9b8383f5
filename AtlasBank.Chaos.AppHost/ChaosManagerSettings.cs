using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace AtlasBank.Chaos.AppHost;

/// <summary>
/// The chaos manager's keys and settings. The admin key is the secret parameter <c>chaos-api-key</c> (set it
/// with <c>Parameters__chaos-api-key</c>; generated when unset, shown in the dashboard): the manager receives
/// only its SHA-256. Further keys (<c>ChaosManager:ExtraApiKeys:N:Id/Hash/Role</c>, hashes only) and any other
/// <c>ChaosManager:*</c> setting of the AppHost's configuration are handed on as they are.
/// </summary>
public static class ChaosManagerSettings
{
    public const string ApiKeyParameter = "chaos-api-key";
    public const string AdminKeyId = "admin";

    public static IResourceBuilder<ProjectResource> WithChaosManagerSettings(this IResourceBuilder<ProjectResource> manager)
    {
        var builder = manager.ApplicationBuilder;
        var apiKey = builder.AddParameter(ApiKeyParameter, new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true);

        if (builder.ExecutionContext.IsRunMode)
        {
            manager.WithEnvironment(async context =>
            {
                var key = await apiKey.Resource.GetValueAsync(context.CancellationToken) ?? string.Empty;
                context.EnvironmentVariables["ChaosManager__ApiKeys__0__Id"] = AdminKeyId;
                context.EnvironmentVariables["ChaosManager__ApiKeys__0__Role"] = "admin";
                context.EnvironmentVariables["ChaosManager__ApiKeys__0__Hash"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
            });

            // The kill switch as dashboard buttons, sent with the admin key.
            async Task WithKey(HttpCommandRequestContext request) =>
                request.Request.Headers.Add("X-Api-Key", await apiKey.Resource.GetValueAsync(request.CancellationToken));
            manager.WithHttpCommand("/chaos/disable-all", "Disable all chaos", commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Post,
                Description = "Emergency stop: every chaos experiment off, everywhere.",
                ConfirmationMessage = "Disable every chaos experiment now?",
                IconName = "Stop",
                PrepareRequest = WithKey,
            });
            manager.WithHttpCommand("/chaos/halt", "Halt chaos", commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Post,
                Description = "Disable everything and refuse new experiments until an admin lifts the halt.",
                ConfirmationMessage = "Halt all chaos? Enabling stays blocked until the halt is lifted.",
                IconName = "HandRight",
                PrepareRequest = WithKey,
            });
        }

        foreach (var setting in builder.Configuration.GetSection("ChaosManager").AsEnumerable(makePathsRelative: true).Where(pair => pair.Value is not null))
        {
            manager.WithEnvironment(EnvironmentName(setting.Key), setting.Value!);
        }

        return manager;
    }

    /// <summary><c>ExtraApiKeys:0:Id</c> → <c>ChaosManager__ApiKeys__1__Id</c> (slot 0 is the admin key); others keep their path.</summary>
    private static string EnvironmentName(string path)
    {
        var parts = path.Split(':');
        if (parts is ["ExtraApiKeys", var index, ..] && int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var slot))
        {
            parts = ["ApiKeys", (slot + 1).ToString(CultureInfo.InvariantCulture), .. parts[2..]];
        }

        return "ChaosManager__" + string.Join("__", parts);
    }
}
