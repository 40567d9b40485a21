using System.Diagnostics;
using System.Globalization;
using Edge.Benchmarks.Failover;
using Edge.Controller.Leadership;
using Edge.Controller.Options;
using Edge.Controller.State;
using Microsoft.Extensions.Logging.Abstractions;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Edge.Benchmarks.State;

/// <summary>
/// A real etcd for the state benchmark: <c>/usr/bin/etcd</c> (Debian's etcd-server) as child processes on loopback,
/// one data dir per member under the backend's directory, and an <see cref="EtcdStateStore"/> fenced by a real
/// leader key: an <see cref="EtcdLeadership"/> in this process wins the election first, so every commit carries the
/// leader-key comparison a cluster leader's commits carry (and its lease keep-alives run beside the workload). etcd runs
/// with <c>--max-txn-ops</c> raised (<see cref="MaxTxnOps"/>), as docs/ha.md asks for workflows of more than 126 steps.
/// </summary>
internal sealed class StateEtcd : IDisposable
{
    private readonly List<Process> _processes;
    private readonly EtcdLeadership _leadership;
    private readonly string _dir;
    private readonly string[] _urls;
    private bool _disposed;

    private StateEtcd(string dir, string[] urls, List<Process> processes, EtcdLeadership leadership, EtcdStateStore store)
    {
        _dir = dir;
        _urls = urls;
        _processes = processes;
        _leadership = leadership;
        Store = store;
    }

    public EtcdStateStore Store { get; }

    public static bool Available => File.Exists("/usr/bin/etcd");

    /// <summary>etcd's <c>--max-txn-ops</c> for the benchmark: a run is created in one transaction (its steps, header and submission), so a 500-step run needs more than the default 128; docs/ha.md recommends 12000 for runs of up to 10,000 steps.</summary>
    public const int MaxTxnOps = 12_000;

    public static StateEtcd Start(string dir, int members)
    {
        var processes = new List<Process>();
        EtcdLeadership? leadership = null;
        try
        {
            var urls = FailoverBenchmark.StartEtcd(dir, processes, members, ["--max-txn-ops", MaxTxnOps.ToString(CultureInfo.InvariantCulture)]);
            foreach (var url in urls)
            {
                FailoverBenchmark.WaitHealthyAsync(url).GetAwaiter().GetResult();
            }

            var cluster = new ClusterOptions { MemberId = "bench", Etcd = urls };
            leadership = new EtcdLeadership(MsOptions.Create(cluster), MsOptions.Create(new ControllerOptions { DataDirectory = "" }), NullLogger<EtcdLeadership>.Instance, TimeProvider.System);
            leadership.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
            var waited = Stopwatch.StartNew();
            while (leadership.Current is null)
            {
                if (waited.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException($"the benchmark's controller did not win the election on {string.Join(",", urls)} within 30 s");
                }

                Thread.Sleep(10);
            }

            return new StateEtcd(dir, urls, processes, leadership, new EtcdStateStore(cluster, leadership, maxTxnOps: MaxTxnOps));
        }
        catch
        {
            leadership?.Dispose();
            Kill(processes);
            throw;
        }
    }

    /// <summary>
    /// What etcd holds on disk, all members together: the size of each member's snap/ directory (the bbolt database,
    /// every revision kept: no compaction is configured) plus the bytes written into its WAL
    /// (<c>etcd_disk_wal_write_bytes_total</c> from its /metrics). The WAL's files themselves are preallocated in
    /// 64 MB segments, so their size says nothing until a segment fills.
    /// </summary>
    public long Bytes()
    {
        long total = 0;
        foreach (var member in Directory.EnumerateDirectories(_dir, "m*"))
        {
            var snap = Path.Combine(member, "member", "snap");
            total += Directory.Exists(snap) ? Directory.EnumerateFiles(snap, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var url in _urls)
        {
            var metrics = http.GetStringAsync(url + "/metrics").GetAwaiter().GetResult();
            var line = metrics.Split('\n').First(l => l.StartsWith("etcd_disk_wal_write_bytes_total ", StringComparison.Ordinal));
            total += (long)double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
        }

        return total;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Store.Dispose();
        _leadership.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        _leadership.Dispose();
        Kill(_processes);
    }

    private static void Kill(List<Process> processes)
    {
        foreach (var process in processes)
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }

            process.Dispose();
        }
    }
}
