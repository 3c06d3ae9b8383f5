namespace AtlasBank.Chaos.ServiceDefaults.Security;

/// <summary>Bound from <c>ChaosManager:ApiKeys</c>; validated on start.</summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "ChaosManager";

    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    public ApiKeyEntry? Find(string? id) => id is null ? null : ApiKeys.Find(entry => entry.Id == id);
}
