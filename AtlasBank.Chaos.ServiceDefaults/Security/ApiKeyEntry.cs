using System.ComponentModel.DataAnnotations;

namespace AtlasBank.Chaos.ServiceDefaults.Security;

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

    /// <summary>This key's own limits, overriding the manager's <c>RateLimitOptions</c>.</summary>
    [Range(1, 100_000)]
    public int? InjectPerSecond { get; set; }

    [Range(1, 100_000)]
    public int? ChangesPerMinute { get; set; }

    public byte[] HashBytes => Convert.FromHexString(Hash.StartsWith("sha256:", StringComparison.Ordinal) ? Hash[7..] : Hash);
}
