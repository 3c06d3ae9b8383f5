namespace AtlasBank.Chaos.Hosting;

/// <summary>
/// Where one replica of a project listens, read from the snapshot Aspire publishes for it: behind the shared proxy
/// address every replica has its own, which Prometheus scrapes and tests use to reach a replica of their choice.
/// </summary>
public static class ReplicaAddress
{
    // Aspire hands each replica of a project the address it listens on.
    private const string ListenAddresses = "ASPNETCORE_URLS";

    /// <summary>The replica's first http address, as host:port on the loopback (Kestrel's "localhost" listens there).</summary>
    public static string? Of(CustomResourceSnapshot snapshot)
    {
        var urls = snapshot.EnvironmentVariables.FirstOrDefault(variable => variable.Name == ListenAddresses)?.Value;
        foreach (var url in (urls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Uri.TryCreate(url.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                && uri.Scheme == Uri.UriSchemeHttp && uri.Port > 0)
            {
                var host = uri.Host is "localhost" or "0.0.0.0" or "[::]" ? "127.0.0.1" : uri.Host;
                return $"{host}:{uri.Port}";
            }
        }

        return null;
    }

    /// <summary>
    /// Waits until <paramref name="expected"/> replicas of the resource run, and returns each one's name (Aspire's, as the
    /// replica names itself in X-Served-By) and own address, in name order.
    /// </summary>
    public static async Task<IReadOnlyList<(string Name, Uri Address)>> RunningReplicasAsync(
        this ResourceNotificationService notifications, string resource, int expected, CancellationToken cancellationToken) =>
        [.. (await notifications.RunningReplicaEventsAsync(resource, expected, cancellationToken))
            .Select(replica => (replica.ResourceId, new Uri($"http://{Of(replica.Snapshot)}")))];

    /// <summary>Waits until <paramref name="expected"/> replicas of the resource run and listen; their latest events, in name order.</summary>
    public static async Task<IReadOnlyList<ResourceEvent>> RunningReplicaEventsAsync(
        this ResourceNotificationService notifications, string resource, int expected, CancellationToken cancellationToken)
    {
        var replicas = new Dictionary<string, ResourceEvent>(StringComparer.Ordinal);
        await foreach (var change in notifications.WatchAsync(cancellationToken))
        {
            if (change.Resource.Name != resource)
            {
                continue;
            }

            if (change.Snapshot.State?.Text == KnownResourceStates.Running && Of(change.Snapshot) is not null)
            {
                replicas[change.ResourceId] = change;
            }
            else
            {
                replicas.Remove(change.ResourceId);
            }

            if (replicas.Count == expected)
            {
                break;
            }
        }

        return [.. replicas.OrderBy(replica => replica.Key, StringComparer.Ordinal).Select(replica => replica.Value)];
    }
}
