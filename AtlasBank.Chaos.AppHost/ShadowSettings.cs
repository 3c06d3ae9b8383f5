namespace AtlasBank.Chaos.AppHost;

/// <summary>
/// The AppHost's <c>Shadow</c> section, handed to the primary ledger and the agent: <c>Shadow:Rate</c> and
/// <c>Shadow:KeyPrefix</c> as the spec's <c>SHADOW_RATE</c> and <c>REDIS_KEY_PREFIX</c>, every other key
/// (ValidationInterval, Window, DriftThreshold, LagRetryWindow, …) as <c>Shadow__{key}</c>.
/// </summary>
public sealed record ShadowSettings(string Rate, string KeyPrefix, IReadOnlyDictionary<string, string> Others);

public static class ShadowSettingsExtensions
{
    public static ShadowSettings AddShadowSettings(this IDistributedApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Shadow");
        var others = section.GetChildren()
            .Where(child => child.Value is not null && child.Key is not ("Rate" or "KeyPrefix"))
            .ToDictionary(child => child.Key, child => child.Value!, StringComparer.OrdinalIgnoreCase);
        return new ShadowSettings(section["Rate"] ?? "0.05", section["KeyPrefix"] ?? "shadow:", others);
    }

    public static IResourceBuilder<ProjectResource> WithShadowSettings(this IResourceBuilder<ProjectResource> project, ShadowSettings settings)
    {
        project.WithEnvironment("SHADOW_RATE", settings.Rate).WithEnvironment("REDIS_KEY_PREFIX", settings.KeyPrefix);
        foreach (var (key, value) in settings.Others)
        {
            project.WithEnvironment($"Shadow__{key}", value);
        }

        return project;
    }
}
