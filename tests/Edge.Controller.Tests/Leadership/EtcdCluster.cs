using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Net.Client;
using Edge.Controller.Tests.Infrastructure;

namespace Edge.Controller.Tests.Leadership;

/// <summary>
/// A real etcd cluster (Debian's <c>etcd-server</c>, <c>/usr/bin/etcd</c>) of child processes on free loopback
/// ports, each member with its own data directory under a temporary directory that is deleted on dispose. Members
/// can be killed (SIGKILL) and started again on their data.
/// </summary>
internal sealed class EtcdCluster : IAsyncDisposable
{
    public const string Binary = "/usr/bin/etcd";
    private readonly TempDirectory _directory = new();
    private readonly Process?[] _processes;
    private readonly int[] _clientPorts;
    private readonly int[] _peerPorts;
    private readonly string _initialCluster;

    private EtcdCluster(int members)
    {
        _processes = new Process?[members];
        _clientPorts = [.. Enumerable.Range(0, members).Select(_ => FreePort.Next())];
        _peerPorts = [.. Enumerable.Range(0, members).Select(_ => FreePort.Next())];
        _initialCluster = string.Join(',', Enumerable.Range(0, members).Select(i => $"m{i}=http://127.0.0.1:{_peerPorts[i]}"));
    }

    public static bool IsInstalled => File.Exists(Binary);

    public int Size => _processes.Length;

    public string[] ClientUrls => [.. _clientPorts.Select(p => $"http://127.0.0.1:{p}")];

    public static async Task<EtcdCluster> StartAsync(int members = 3)
    {
        var cluster = new EtcdCluster(members);
        for (var i = 0; i < members; i++)
        {
            cluster.StartMember(i);
        }

        await cluster.WaitHealthyAsync();
        return cluster;
    }

    public bool IsRunning(int member) => _processes[member] is { HasExited: false };

    /// <summary>SIGKILL of one member.</summary>
    public void Kill(int member)
    {
        if (_processes[member] is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            process.Dispose();
            _processes[member] = null;
        }
    }

    /// <summary>Starts a killed member again on its data directory.</summary>
    public void StartMember(int member)
    {
        var name = $"m{member}";
        var client = $"http://127.0.0.1:{_clientPorts[member]}";
        var peer = $"http://127.0.0.1:{_peerPorts[member]}";
        var info = new ProcessStartInfo(Binary,
        [
            "--name", name, "--data-dir", Path.Combine(_directory.Path, name),
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", _initialCluster, "--initial-cluster-state", "new", "--initial-cluster-token", "edge-test",
            "--heartbeat-interval", "100", "--election-timeout", "1000", "--logger", "zap", "--log-level", "error",
        ])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _processes[member] = process;
    }

    /// <summary>Waits until a linearizable read succeeds through every running member (quorum formed).</summary>
    public async Task WaitHealthyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        for (var i = 0; i < Size; i++)
        {
            if (!IsRunning(i))
            {
                continue;
            }

            while (true)
            {
                try
                {
                    await KvOf(i).RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("/health") }, deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: TestContext.Current.CancellationToken);
                    break;
                }
                catch (Exception ex) when (ex is Grpc.Core.RpcException or SocketException or HttpRequestException && DateTime.UtcNow < deadline)
                {
                    Assert.False(_processes[i]!.HasExited, $"etcd member m{i} exited with {(_processes[i]!.HasExited ? _processes[i]!.ExitCode : 0)}");
                    await Task.Delay(100, TestContext.Current.CancellationToken);
                }
            }
        }
    }

    /// <summary>A KV client of a running member (plaintext, loopback).</summary>
    public KV.KVClient KvOf(int member) => new(Channel(member));

    public Lease.LeaseClient LeaseOf(int member) => new(Channel(member));

    /// <summary>The value of a key read through any running member, or null.</summary>
    public async Task<Mvccpb.KeyValue?> GetAsync(string key)
    {
        for (var i = 0; i < Size; i++)
        {
            if (!IsRunning(i))
            {
                continue;
            }

            try
            {
                var range = await KvOf(i).RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(key) }, deadline: DateTime.UtcNow.AddSeconds(2));
                return range.Kvs.FirstOrDefault();
            }
            catch (Grpc.Core.RpcException)
            {
            }
        }

        throw new InvalidOperationException($"no etcd member answered a read of {key}");
    }

    /// <summary>The member that is the raft leader now, as the members report it.</summary>
    public async Task<int> RaftLeaderAsync()
    {
        for (var i = 0; i < Size; i++)
        {
            if (IsRunning(i))
            {
                var status = await new Maintenance.MaintenanceClient(Channel(i)).StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                if (status.Leader == status.Header.MemberId)
                {
                    return i;
                }
            }
        }

        return -1;
    }

    public static long Term(Mvccpb.KeyValue kv) => long.Parse(kv.Value.ToStringUtf8(), CultureInfo.InvariantCulture);

    public ValueTask DisposeAsync()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        for (var i = 0; i < Size; i++)
        {
            Kill(i);
        }

        _directory.Dispose();
        return ValueTask.CompletedTask;
    }

    private readonly Dictionary<int, GrpcChannel> _channels = [];

    private GrpcChannel Channel(int member)
    {
        lock (_channels)
        {
            if (!_channels.TryGetValue(member, out var channel))
            {
                channel = GrpcChannel.ForAddress(ClientUrls[member]);
                _channels[member] = channel;
            }

            return channel;
        }
    }
}
