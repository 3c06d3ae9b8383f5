using System.ComponentModel.DataAnnotations;

namespace AtlasBank.Chaos.Manager.Security;

public static class ChaosRoles
{
    /// <summary>Reads: list, stats, its own audit rows.</summary>
    public const string Viewer = "viewer";

    /// <summary>Runs experiments: enable, disable, bulk, inject, disable-all, engaging the halt.</summary>
    public const string Operator = "operator";

    /// <summary>Everything, including lifting the halt and reading and verifying the whole audit.</summary>
    public const string Admin = "admin";

    public static readonly string[] All = [Viewer, Operator, Admin];
}

public static class ChaosPolicies
{
    public const string View = "chaos.view";
    public const string Operate = "chaos.operate";
    public const string Administer = "chaos.administer";
}

/// <summary>One API key as configured: never the key itself, only its SHA-256.</summary>
public sealed class ApiKeyEntry
{
    [Required, RegularExpression("^[A-Za-z0-9_.-]{1,64}$")]
    public string Id { get; set; } = string.Empty;

    /// <summary>Hex SHA-256 of the key (<c>printf %s "$KEY" | sha256sum</c>), optionally prefixed <c>sha256:</c>.</summary>
    [Required, RegularExpression("^(sha256:)?[0-9a-fA-F]{64}$", ErrorMessage = "Hash must be the 64-hex-digit SHA-256 of the key.")]
    public string Hash { get; set; } = string.Empty;

    [Required, RegularExpression("^(viewer|operator|admin)$", ErrorMessage = "Role must be viewer, operator or admin.")]
    public string Role { get; set; } = string.Empty;

    /// <summary>This key's own limits, overriding <see cref="RateLimitOptions"/>.</summary>
    [Range(1, 100_000)]
    public int? InjectPerSecond { get; set; }

    [Range(1, 100_000)]
    public int? ChangesPerMinute { get; set; }

    public byte[] HashBytes => Convert.FromHexString(Hash.StartsWith("sha256:", StringComparison.Ordinal) ? Hash[7..] : Hash);
}

/// <summary>Bound from <c>ChaosManager:ApiKeys</c>; validated on start.</summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "ChaosManager";

    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    public ApiKeyEntry? Find(string? id) => id is null ? null : ApiKeys.Find(entry => entry.Id == id);
}

/// <summary>Every key entry valid, every id unique; a bad entry stops the manager at start.</summary>
public sealed class ApiKeyOptionsValidation : Microsoft.Extensions.Options.IValidateOptions<ApiKeyOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(options.ApiKeys[i], new ValidationContext(options.ApiKeys[i]), results, validateAllProperties: true))
            {
                failures.AddRange(results.Select(result => $"ChaosManager:ApiKeys:{i}: {result.ErrorMessage}"));
            }
        }

        failures.AddRange(options.ApiKeys.GroupBy(entry => entry.Id, StringComparer.Ordinal).Where(group => group.Count() > 1)
            .Select(group => $"ChaosManager:ApiKeys: id '{group.Key}' appears more than once."));
        return failures.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(failures);
    }
}
