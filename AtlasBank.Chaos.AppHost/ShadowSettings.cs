namespace AtlasBank.Chaos.AppHost;

/// <summary>
/// The AppHost's <c>Shadow</c> section, handed to the primary ledger and the agent as it is (<c>Shadow__{key}</c>):
/// both bind it with the same <c>AddShadowOptions</c>, so a key means the same on both sides.
/// </summary>
public static class ShadowSettings
{
    public const string SectionName = "Shadow";

    public static IResourceBuilder<ProjectResource> WithShadowSettings(this IResourceBuilder<ProjectResource> project)
    {
        foreach (var setting in project.ApplicationBuilder.Configuration.GetSection(SectionName).GetChildren())
        {
            if (setting.Value is not null)
            {
                project.WithEnvironment($"{SectionName}__{setting.Key}", setting.Value);
            }
        }

        return project;
    }
}
