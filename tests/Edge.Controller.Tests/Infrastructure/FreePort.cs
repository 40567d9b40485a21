using System.Net;
using System.Net.Sockets;

namespace Edge.Controller.Tests.Infrastructure;

/// <summary>
/// An OS-chosen free loopback port. MQTTnet's server does not report the port it bound when given 0, so the
/// port is taken from the OS, released, and handed to the broker.
/// </summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
