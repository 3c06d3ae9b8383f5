using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>The manager does not start without a usable audit key: an unkeyed chain proves nothing to anyone with database rights.</summary>
public sealed class AuditKeyValidator : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options) =>
        AuditKey.TryParse(options.Key, out _, out var error)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{AuditOptions.SectionName}:Key {error}");
}
