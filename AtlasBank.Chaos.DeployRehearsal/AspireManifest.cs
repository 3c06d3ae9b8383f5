using System.Text.Json;

namespace AtlasBank.Chaos.DeployRehearsal;

/// <summary>A published <c>aspire-manifest.json</c>: its resources by name, and the folder project paths are relative to.</summary>
public sealed class AspireManifest
{
    private AspireManifest(string directory, IReadOnlyDictionary<string, JsonElement> resources) => (Directory, Resources) = (directory, resources);

    public string Directory { get; }

    public IReadOnlyDictionary<string, JsonElement> Resources { get; }

    public static AspireManifest Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var resources = document.RootElement.GetProperty("resources").EnumerateObject()
            .ToDictionary(resource => resource.Name, resource => resource.Value.Clone(), StringComparer.Ordinal);
        return new AspireManifest(Path.GetDirectoryName(Path.GetFullPath(path))!, resources);
    }

    public string TypeOf(string name) => Resource(name).GetProperty("type").GetString()!;

    public JsonElement Resource(string name) => Resources.TryGetValue(name, out var resource)
        ? resource
        : throw new RehearsalException($"the manifest has no resource '{name}', yet something refers to it");

    public IEnumerable<string> OfType(string type) => Resources.Where(pair => pair.Value.GetProperty("type").GetString() == type).Select(pair => pair.Key);

    /// <summary>A resource's environment as the manifest states it (unresolved expressions).</summary>
    public IReadOnlyDictionary<string, string> EnvironmentOf(string name) =>
        Resource(name).TryGetProperty("env", out var env)
            ? env.EnumerateObject().ToDictionary(variable => variable.Name, variable => variable.Value.GetString() ?? string.Empty, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    public IReadOnlyList<string> ArgsOf(string name) =>
        Resource(name).TryGetProperty("args", out var args) ? [.. args.EnumerateArray().Select(arg => arg.GetString() ?? string.Empty)] : [];

    public IEnumerable<(string Binding, JsonElement Spec)> BindingsOf(string name) =>
        Resource(name).TryGetProperty("bindings", out var bindings) ? bindings.EnumerateObject().Select(binding => (binding.Name, binding.Value)) : [];
}

/// <summary>What the rehearsal found missing or wrong: the message names it.</summary>
public sealed class RehearsalException(string message) : Exception(message);
