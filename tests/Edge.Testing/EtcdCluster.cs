using System.Diagnostics;
using System.Net.Sockets;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Net.Client;

namespace Edge.Testing;

/// <summary>
/// A real etcd cluster (Debian's <c>etcd-server</c>, <c>/usr/bin/etcd</c>) of child processes on free loopback
/// ports, each member with its own data directory under a temporary directory deleted on dispose. Members can be
/// killed (SIGKILL) and started again on their data.
/// </summary>
public sealed class EtcdCluster : IAsyncDisposable
{
    public const string Binary = "/usr/bin/etcd";
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("edge-etcd-");
    private readonly Process?[] _processes;
    private readonly int[] _clientPorts;
    private readonly int[] _peerPorts;
    private readonly string _initialCluster;
    private readonly Dictionary<int, GrpcChannel> _channels = [];
    private readonly System.Text.StringBuilder[] _errors;

    private EtcdCluster(int members)
    {
        _processes = new Process?[members];
        _errors = [.. Enumerable.Range(0, members).Select(_ => new System.Text.StringBuilder())];

        // Held open together, so no two members are handed the same port.
        var listeners = Enumerable.Range(0, 2 * members).Select(_ => new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((System.Net.IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        _clientPorts = ports[..members];
        _peerPorts = ports[members..];
        _initialCluster = string.Join(',', Enumerable.Range(0, members).Select(i => $"m{i}=http://127.0.0.1:{_peerPorts[i]}"));
    }

    public static bool IsInstalled => File.Exists(Binary);

    public int Size => _processes.Length;

    public int[] ClientPorts => _clientPorts;

    public string[] ClientUrls => [.. _clientPorts.Select(p => $"http://127.0.0.1:{p}")];

    /// <summary>Starts the cluster; a member that exits at start (a port taken meanwhile) costs one more try on new ports.</summary>
    public static async Task<EtcdCluster> StartAsync(int members = 3)
    {
        for (var attempt = 1; ; attempt++)
        {
            var cluster = new EtcdCluster(members);
            try
            {
                for (var i = 0; i < members; i++)
                {
                    cluster.StartMember(i);
                }

                await cluster.WaitHealthyAsync();
                return cluster;
            }
            catch (Exception ex) when (attempt < 3 && ex is not OperationCanceledException)
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"etcd cluster start {attempt} failed, trying new ports: {ex.Message}");
                await cluster.DisposeAsync();
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }
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

    /// <summary>Starts a (killed) member on its data directory.</summary>
    public void StartMember(int member)
    {
        var name = $"m{member}";
        var client = $"http://127.0.0.1:{_clientPorts[member]}";
        var peer = $"http://127.0.0.1:{_peerPorts[member]}";
        var info = new ProcessStartInfo(Binary,
        [
            "--name", name, "--data-dir", Path.Combine(_directory.FullName, name),
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", _initialCluster, "--initial-cluster-state", "new", "--initial-cluster-token", "edge-it",
            "--heartbeat-interval", "100", "--election-timeout", "1000", "--logger", "zap", "--log-level", "error",
        ])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(info)!;
        var errors = _errors[member];
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                if (e.Data is not null && errors.Length < 20_000)
                {
                    errors.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _processes[member] = process;
    }

    /// <summary>Waits until a linearizable read succeeds through every running member (quorum formed).</summary>
    public async Task WaitHealthyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        for (var i = 0; i < Size; i++)
        {
            while (IsRunning(i))
            {
                try
                {
                    await KvOf(i).RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("/health") }, deadline: DateTime.UtcNow.AddSeconds(2));
                    break;
                }
                catch (Exception ex) when (ex is Grpc.Core.RpcException or SocketException or HttpRequestException && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }
            }

            Assert.True(_processes[i] is null || !_processes[i]!.HasExited, $"etcd member m{i} exited: {Errors(i)}");
        }
    }

    /// <summary>The member that is the raft leader now, as the members report it; -1 while there is none.</summary>
    public async Task<int> RaftLeaderAsync()
    {
        for (var i = 0; i < Size; i++)
        {
            if (!IsRunning(i))
            {
                continue;
            }

            try
            {
                var status = await new Maintenance.MaintenanceClient(Channel(i)).StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                if (status.Leader == status.Header.MemberId)
                {
                    return i;
                }
            }
            catch (Grpc.Core.RpcException)
            {
            }
        }

        return -1;
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

    /// <summary>A leader key's value read as the fencing term it holds.</summary>
    public static long Term(Mvccpb.KeyValue kv) => long.Parse(kv.Value.ToStringUtf8(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every key under <paramref name="prefix"/> with its value, read (linearizable) through any running member.</summary>
    public async Task<IReadOnlyDictionary<string, string>> RangeAsync(string prefix)
    {
        var start = ByteString.CopyFromUtf8(prefix);
        var end = start.ToByteArray();
        end[^1]++;
        for (var i = 0; i < Size; i++)
        {
            if (!IsRunning(i))
            {
                continue;
            }

            try
            {
                var range = await KvOf(i).RangeAsync(new RangeRequest { Key = start, RangeEnd = ByteString.CopyFrom(end) }, deadline: DateTime.UtcNow.AddSeconds(5));
                return range.Kvs.ToDictionary(kv => kv.Key.ToStringUtf8(), kv => kv.Value.ToStringUtf8(), StringComparer.Ordinal);
            }
            catch (Grpc.Core.RpcException)
            {
            }
        }

        throw new InvalidOperationException($"no etcd member answered a read of {prefix}");
    }

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

        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }

    private string Errors(int member)
    {
        lock (_errors[member])
        {
            return _errors[member].ToString();
        }
    }


    private GrpcChannel Channel(int member)
    {
        lock (_channels)
        {
            if (!_channels.TryGetValue(member, out var channel))
            {
                channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_clientPorts[member]}");
                _channels[member] = channel;
            }

            return channel;
        }
    }
}
