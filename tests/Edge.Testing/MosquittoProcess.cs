using System.Diagnostics;
using System.Net.Sockets;

namespace Edge.Testing;

/// <summary>A real mosquitto broker (apt package <c>mosquitto</c>) on a free loopback port, killed on dispose.</summary>
public sealed class MosquittoProcess : IDisposable
{
    private const string Binary = "/usr/sbin/mosquitto";
    private readonly Process _process;

    private MosquittoProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static bool IsInstalled => File.Exists(Binary);

    public static async Task<MosquittoProcess> StartAsync(string directory)
    {
        var port = FreePort.Next();
        var config = Path.Combine(directory, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n", TestContext.Current.CancellationToken);
        var process = Process.Start(new ProcessStartInfo(Binary, ["-c", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port, TestContext.Current.CancellationToken);
                return new MosquittoProcess(process, port);
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
