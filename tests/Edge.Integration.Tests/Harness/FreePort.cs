using System.Net;
using System.Net.Sockets;

namespace Edge.Integration.Tests.Harness;

internal static class FreePort
{
    /// <summary>A loopback TCP port the OS just handed out and released.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
