using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using AtlasBank.Chaos.Hosting;

namespace AtlasBank.Chaos.DeployRehearsal;

/// <summary>
/// What a deployment fills in: each parameter (generated as azd generates it, or a prompted value from the
/// rehearsal's settings), each binding's address, and every <c>{resource.property}</c> expression resolved from them.
/// </summary>
public sealed partial class DeploymentValues
{
    // The characters Aspire's own generator uses for "special": safe in connection strings, URIs and shell words.
    private const string Special = "-_.{}~()*+!";
    private const string Lower = "abcdefghijklmnopqrstuvwxyz";
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Digits = "0123456789";

    private readonly AspireManifest _manifest;
    private readonly Dictionary<string, string> _parameters = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Resource, string Binding), int> _ports = [];

    public DeploymentValues(AspireManifest manifest, IReadOnlyDictionary<string, string> prompted)
    {
        _manifest = manifest;
        var missing = new List<string>();
        foreach (var name in manifest.OfType("parameter.v0"))
        {
            var input = manifest.Resource(name).GetProperty("inputs").GetProperty("value");
            if (prompted.TryGetValue(name, out var value))
            {
                _parameters[name] = value;
            }
            else if (input.TryGetProperty("default", out var @default) && @default.TryGetProperty("generate", out var generate))
            {
                _parameters[name] = Generate(generate);
            }
            else if (input.TryGetProperty("default", out @default) && @default.TryGetProperty("value", out var fixedValue))
            {
                _parameters[name] = fixedValue.GetString() ?? string.Empty;
            }
            else
            {
                missing.Add(name);
            }
        }

        if (missing.Count > 0)
        {
            throw new RehearsalException($"parameters azd would prompt for and the rehearsal's settings do not supply: {string.Join(", ", missing)}");
        }

        foreach (var resource in manifest.Resources.Keys)
        {
            foreach (var (binding, _) in manifest.BindingsOf(resource))
            {
                _ports[(resource, binding)] = LoopbackPort.Free();
            }
        }
    }

    public string Parameter(string name) => _parameters.TryGetValue(name, out var value) ? value : throw new RehearsalException($"no parameter '{name}'");

    /// <summary>The local port a binding listens on (a deployment maps it; here it is the server's own port).</summary>
    public int Port(string resource, string binding) =>
        _ports.TryGetValue((resource, binding), out var port) ? port : throw new RehearsalException($"'{resource}' has no binding '{binding}'");

    public IReadOnlyDictionary<string, string> ResolveAll(IReadOnlyDictionary<string, string> environment) =>
        environment.ToDictionary(variable => variable.Key, variable => Resolve(variable.Value, $"{variable.Key}"), StringComparer.Ordinal);

    /// <summary>Replaces every <c>{…}</c> of <paramref name="template"/>; an expression the rehearsal cannot resolve fails, naming it.</summary>
    public string Resolve(string template, string where = "") =>
        Expression().Replace(template, match => Lookup(match.Groups[1].Value, where));

    private string Lookup(string path, string where)
    {
        var parts = path.Split('.');
        var resource = _manifest.Resource(parts[0]);
        var type = resource.GetProperty("type").GetString();
        return (parts[1..], type) switch
        {
            (["connectionString"], _) => Resolve(resource.GetProperty("connectionString").GetString() ?? string.Empty, path),
            (["value"] or ["inputs", "value"], "parameter.v0") => Parameter(parts[0]),
            (["value"], "annotated.string") => Filter(Resolve(resource.GetProperty("value").GetString() ?? string.Empty, path), resource),
            (["bindings", var binding, var property], _) => BindingProperty(parts[0], binding, property, resource),
            _ => throw new RehearsalException($"'{{{path}}}'{(where.Length > 0 ? $" in {where}" : string.Empty)} is an expression the rehearsal cannot resolve"),
        };
    }

    private string BindingProperty(string resourceName, string binding, string property, JsonElement resource)
    {
        var scheme = resource.GetProperty("bindings").GetProperty(binding).GetProperty("scheme").GetString()!;
        var port = Port(resourceName, binding).ToString(CultureInfo.InvariantCulture);
        // A project binds every interface (HTTP_PORTS); the servers listen on the loopback address only.
        var host = resource.GetProperty("type").GetString() == "project.v0" ? "localhost" : "127.0.0.1";
        return property switch
        {
            "host" => host,
            "port" or "targetPort" => port,
            "scheme" => scheme,
            "url" => $"{scheme}://{host}:{port}",
            _ => throw new RehearsalException($"'{resourceName}.bindings.{binding}.{property}' is a binding property the rehearsal does not know"),
        };
    }

    private static string Filter(string value, JsonElement resource) =>
        resource.TryGetProperty("filter", out var filter) && filter.GetString() == "uri" ? Uri.EscapeDataString(value) : value;

    private static string Generate(JsonElement generate)
    {
        bool Allowed(string property) => !generate.TryGetProperty(property, out var allowed) || allowed.GetBoolean();
        var minLength = generate.TryGetProperty("minLength", out var length) ? length.GetInt32() : 22;
        var alphabet = (Allowed("lower") ? Lower : string.Empty) + (Allowed("upper") ? Upper : string.Empty)
            + (Allowed("numeric") ? Digits : string.Empty) + (Allowed("special") ? Special : string.Empty);
        return RandomNumberGenerator.GetString(alphabet, Math.Max(minLength, 22));
    }

    [GeneratedRegex(@"\{([A-Za-z0-9_.-]+)\}")]
    private static partial Regex Expression();
}
