using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Edge.Testing;

/// <summary>
/// A free loopback TCP port for a server that cannot report the port it bound when given 0 (MQTTnet's, etcd's).
/// </summary>
public static class FreePort
{
    private static readonly ConcurrentDictionary<int, byte> HandedOut = new();

    /// <summary>
    /// A port the OS just handed out and released, never one this test process handed out before: the OS may give a
    /// released port again at once, so two ports asked for back to back (a controller's TLS broker and its HTTP API)
    /// could otherwise be the same one, and the second bind fails with "address already in use".
    /// </summary>
    public static int Next()
    {
        for (var attempt = 0; ; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (HandedOut.TryAdd(port, 0) || attempt >= 100)
            {
                return port;
            }
        }
    }
}
