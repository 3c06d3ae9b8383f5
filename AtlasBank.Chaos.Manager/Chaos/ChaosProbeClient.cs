using Microsoft.Extensions.ServiceDiscovery.Http;

namespace AtlasBank.Chaos.Manager.Chaos;

/// <summary>
/// The inject probe's own HTTP stack: service discovery and nothing else. It is not a service client, so it
/// takes none of the defaults every service client gets (standard resilience, chaos handler): the probe
/// applies chaos and retries itself, and they would hide or repeat what it reports.
/// </summary>
public sealed class ChaosProbeClient(IServiceDiscoveryHttpMessageHandlerFactory serviceDiscovery) : IDisposable
{
    public HttpClient Http { get; } = new(serviceDiscovery.CreateHandler(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
    }));

    public void Dispose() => Http.Dispose();
}
