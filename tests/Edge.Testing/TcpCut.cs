using System.Net;
using System.Net.Sockets;

namespace Edge.Testing;

/// <summary>
/// A loopback TCP forwarder in front of one address that can be cut: after <see cref="Cut"/> it forwards nothing
/// in either direction and accepts no new connection, but keeps the sockets open, so the client sees a partition
/// (requests time out) rather than a refused connection.
/// </summary>
public sealed class TcpCut : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _sockets = [];
    private volatile bool _cut;

    public TcpCut(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _ = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public void Cut() => _cut = true;

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            lock (_sockets)
            {
                _sockets.Add(inbound);
            }

            if (_cut)
            {
                continue;
            }

            var outbound = new TcpClient();
            lock (_sockets)
            {
                _sockets.Add(outbound);
            }

            try
            {
                await outbound.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
            }
            catch (Exception)
            {
                inbound.Dispose();
                continue;
            }

            _ = PumpAsync(inbound.GetStream(), outbound.GetStream());
            _ = PumpAsync(outbound.GetStream(), inbound.GetStream());
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    to.Socket.Shutdown(SocketShutdown.Send);
                    return;
                }

                if (_cut)
                {
                    // Partitioned: swallow everything, answer nothing.
                    continue;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception)
        {
            // Either side closed or the forwarder stopped.
        }
    }
}
