using System.Net;
using System.Net.Sockets;

namespace AtlasBank.Chaos.Hosting;

public static class LoopbackPort
{
    /// <summary>A port on 127.0.0.1 that is free now, for a server the AppHost starts with a fixed address.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
