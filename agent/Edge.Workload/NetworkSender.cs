using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Edge.Workload;

/// <summary>Sends UDP datagrams to a target at a steady rate (paced in 10 ms slices).</summary>
internal static class NetworkSender
{
    private const int DatagramBytes = 1200;

    public static async Task RunAsync(double mbps, string target, CancellationToken cancellationToken)
    {
        var endpoint = IPEndPoint.Parse(target);
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        var payload = new byte[DatagramBytes];
        var bytesPerSecond = mbps * 1_000_000 / 8;
        var start = Stopwatch.GetTimestamp();
        long sent = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var due = bytesPerSecond * Stopwatch.GetElapsedTime(start).TotalSeconds;
            while (sent + DatagramBytes <= due)
            {
                try
                {
                    await socket.SendToAsync(payload, SocketFlags.None, endpoint, cancellationToken);
                }
                catch (SocketException)
                {
                    // Nobody listening (ICMP unreachable) or a full queue (ENOBUFS): the datagram still counts; keep pacing.
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                sent += DatagramBytes;
            }

            try
            {
                await Task.Delay(10, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
