namespace AtlasBank.Chaos.Manager.Drills;

/// <summary>Every drill the manager knows, loaded and validated once at start (<see cref="DrillLoader"/>), ordered by name.</summary>
public sealed class DrillCatalog
{
    /// <summary>Where the built-in definitions are copied with the manager.</summary>
    public static readonly string BuiltInFolder = Path.Combine(AppContext.BaseDirectory, "Drills", "Definitions");

    private readonly Dictionary<string, DrillDefinition> _byName;

    public DrillCatalog(IEnumerable<DrillDefinition> drills)
    {
        All = [.. drills.OrderBy(drill => drill.Name, StringComparer.Ordinal)];
        _byName = All.ToDictionary(drill => drill.Name!, StringComparer.Ordinal);
    }

    public IReadOnlyList<DrillDefinition> All { get; }

    public DrillDefinition? Find(string name) => _byName.GetValueOrDefault(name);
}
