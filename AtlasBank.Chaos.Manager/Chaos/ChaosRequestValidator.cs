using System.Text.RegularExpressions;
using AtlasBank.Chaos.Contracts.Chaos;

namespace AtlasBank.Chaos.Manager.Chaos;

public static partial class ChaosRequestValidator
{
    public const int MaxServiceNameLength = 63;
    public const int MaxTargetUrlLength = 2_048;

    /// <summary>A DNS label: what a service is called in service discovery and in Kubernetes.</summary>
    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex ServiceName();

    public static bool IsValidServiceName(string? service) => service is not null && ServiceName().IsMatch(service);

    /// <summary>Service names compare lower-case; anything else about the name is the caller's to get right.</summary>
    public static string? NormalizeServiceName(string? service) =>
        service is null ? null : service.All(char.IsAscii) ? service.ToLowerInvariant() : service;

    public static string ServiceNameRule => $"Required: 1 to {MaxServiceNameLength} characters, lower-case letters, digits and inner dashes (a DNS label).";

    /// <summary>Checks one request; adds every problem under its field name (prefixed for bulk items).</summary>
    public static void Validate(EnableChaosRequest request, ChaosManagerOptions limits, ChaosTargetAllowlist targets, IDictionary<string, string[]> errors, string prefix = "")
    {
        void Add(string field, string message) =>
            errors[prefix + field] = errors.TryGetValue(prefix + field, out var existing) ? [.. existing, message] : [message];

        if (!IsValidServiceName(NormalizeServiceName(request.Service)))
        {
            Add(nameof(request.Service), ServiceNameRule);
        }

        var mode = ParseMode(request.Mode);
        if (mode is null)
        {
            Add(nameof(request.Mode), "Required: 'latency' or 'failure'.");
        }

        if (request.FailureRate is { } rate && (!double.IsFinite(rate) || rate is < 0 or > 1))
        {
            Add(nameof(request.FailureRate), "Must be a number from 0.0 to 1.0.");
        }
        else if (mode == ChaosMode.Failure && request.FailureRate is null)
        {
            Add(nameof(request.FailureRate), "Required in failure mode: the share of calls to fail, from 0.0 to 1.0.");
        }

        if (request.DelayMs is { } delay && (delay < 0 || delay > limits.MaxDelayMs))
        {
            Add(nameof(request.DelayMs), $"Must be from 0 to {limits.MaxDelayMs} ms.");
        }
        else if (mode == ChaosMode.Latency && request.DelayMs is null or 0)
        {
            Add(nameof(request.DelayMs), "Required in latency mode: the delay to add to every call, more than 0 ms.");
        }

        if (request.RetryCount is { } retries && (retries < 0 || retries > limits.MaxRetryCount))
        {
            Add(nameof(request.RetryCount), $"Must be from 0 to {limits.MaxRetryCount}.");
        }

        if (request.TargetUrl is { } target
            && (target.Length > MaxTargetUrlLength
                || !Uri.TryCreate(target, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            Add(nameof(request.TargetUrl), $"Must be an absolute http or https URL of at most {MaxTargetUrlLength} characters.");
        }
        else if (request.TargetUrl is not null && !targets.Allows(new Uri(request.TargetUrl)))
        {
            Add(nameof(request.TargetUrl), "Its host must be a service the manager knows (e.g. ledgerapi), a chaos alias, or listed in ChaosManager:AllowedTargetHosts; IP addresses and other names are refused.");
        }

        if (request.DurationSeconds is { } duration && (duration < 1 || duration > limits.MaxDurationSeconds))
        {
            Add(nameof(request.DurationSeconds), $"Must be from 1 to {limits.MaxDurationSeconds} seconds; every experiment expires.");
        }
    }

    /// <summary>
    /// Checks a bulk-enable body: 1 to <c>MaxBulkItems</c> experiments, each valid, no service twice. Problems of the
    /// whole body go under <c>body</c> (or <paramref name="prefix"/> itself), of an item under <c>[i].Field</c>
    /// after the prefix — so a drill's step reports <c>$.Method[1].Body[0].Service</c>.
    /// </summary>
    public static void ValidateBulk(EnableChaosRequest?[] items, ChaosManagerOptions limits, ChaosTargetAllowlist targets, IDictionary<string, string[]> errors, string prefix = "")
    {
        if (items.Length == 0 || items.Length > limits.MaxBulkItems)
        {
            errors[prefix.Length == 0 ? "body" : prefix] = [$"Send 1 to {limits.MaxBulkItems} experiments."];
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Length; i++)
        {
            if (items[i] is not { } item)
            {
                errors[$"{prefix}[{i}]"] = ["An experiment object is required."];
                continue;
            }

            Validate(item, limits, targets, errors, $"{prefix}[{i}].");
            if (NormalizeServiceName(item.Service) is { } name && !seen.Add(name))
            {
                errors[$"{prefix}[{i}].Service"] = [$"'{name}' appears more than once in this request."];
            }
        }
    }

    public static ChaosMode? ParseMode(string? mode) => mode?.ToLowerInvariant() switch
    {
        "latency" => ChaosMode.Latency,
        "failure" => ChaosMode.Failure,
        _ => null,
    };
}
