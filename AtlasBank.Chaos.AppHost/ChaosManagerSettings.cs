using Microsoft.Extensions.Configuration;

namespace AtlasBank.Chaos.AppHost;

/// <summary>
/// The chaos manager's settings: every <c>ChaosManager:*</c> setting of the AppHost's configuration is handed on as
/// it is (keys come through <see cref="ChaosApiKeys"/>), and the kill switch becomes two dashboard buttons.
/// </summary>
public static class ChaosManagerSettings
{
    public static IResourceBuilder<ProjectResource> WithChaosManagerSettings(this IResourceBuilder<ProjectResource> manager, IResourceBuilder<ParameterResource> adminKey)
    {
        var builder = manager.ApplicationBuilder;
        if (builder.ExecutionContext.IsRunMode)
        {
            // The kill switch as dashboard buttons, sent with the admin key.
            async Task WithKey(HttpCommandRequestContext request) =>
                request.Request.Headers.Add("X-Api-Key", await adminKey.Resource.GetValueAsync(request.CancellationToken));
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

        foreach (var setting in builder.Configuration.GetSection("ChaosManager").AsEnumerable(makePathsRelative: true)
            .Where(pair => pair.Value is not null && !pair.Key.StartsWith("ExtraApiKeys", StringComparison.Ordinal)))
        {
            manager.WithEnvironment("ChaosManager__" + setting.Key.Replace(":", "__", StringComparison.Ordinal), setting.Value!);
        }

        return manager;
    }
}
