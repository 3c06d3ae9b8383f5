namespace AtlasBank.Chaos.ServiceDefaults.Replicas;

/// <summary>
/// Which replica of a service this process is: the name Aspire gives the replica (<c>{service}-{suffix}</c>, from the
/// OpenTelemetry service name and instance id it sets), else the pod's host name, else the machine and process id.
/// Responses carry it in <see cref="Header"/>, drift reports and leases name it, so which replica did what is visible.
/// </summary>
public static class ServiceInstance
{
    public const string Header = "X-Served-By";

    public static string Name { get; } = Resolve(Environment.GetEnvironmentVariable);

    public static string Resolve(Func<string, string?> environment)
    {
        var service = environment("OTEL_SERVICE_NAME");
        var instance = (environment("OTEL_RESOURCE_ATTRIBUTES") ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(attribute => attribute.Split('=', 2))
            .FirstOrDefault(pair => pair.Length == 2 && pair[0] == "service.instance.id")?[1];
        if (!string.IsNullOrWhiteSpace(service) && !string.IsNullOrWhiteSpace(instance))
        {
            return $"{service}-{instance}";
        }

        return environment("HOSTNAME") is { Length: > 0 } host
            ? host
            : $"{Environment.MachineName}-{Environment.ProcessId}";
    }
}
