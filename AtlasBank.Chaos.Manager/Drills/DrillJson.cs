using System.Text.Json;
using AtlasBank.Chaos.Manager.Infrastructure;

namespace AtlasBank.Chaos.Manager.Drills;

/// <summary>
/// How definition files are read: as strictly as the manager's request bodies (<see cref="JsonBody.Options"/>:
/// unknown and duplicate fields refused), with <c>Kind</c> allowed anywhere in a step or probe.
/// </summary>
public static class DrillJson
{
    public static readonly JsonSerializerOptions Options = new(JsonBody.Options)
    {
        AllowOutOfOrderMetadataProperties = true,
        MaxDepth = 16,
    };
}
