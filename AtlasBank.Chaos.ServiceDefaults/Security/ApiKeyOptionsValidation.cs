using System.ComponentModel.DataAnnotations;

namespace AtlasBank.Chaos.ServiceDefaults.Security;

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
