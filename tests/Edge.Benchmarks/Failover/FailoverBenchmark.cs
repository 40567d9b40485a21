using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Edge.Controller.Leadership;
using Edge.Controller.Options;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Edge.Benchmarks.Failover;

/// <summary>
/// Leader failover time: a real 3-member etcd cluster on loopback (Debian's etcd-server, child processes) and three
/// contender processes running <see cref="EtcdLeadership"/> (this program with <c>failover-contender</c>). Each trial
/// kills the leading process with SIGKILL and measures, on this process's monotonic clock, the time until another
/// contender reports that it leads (in a higher term); the killed one is started again before the next trial.
/// Prints every trial and p50/max. <c>failover [--trials 20] [--ttl 5] [--renew-deadline 3.5] [--interval 1]</c>
/// </summary>
internal static class FailoverBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var trials = Option(args, "--trials", 20);
        var ttl = Option(args, "--ttl", 5.0);
        var renew = Option(args, "--renew-deadline", ttl - 1.5);
        var interval = Option(args, "--interval", 1.0);
        if (!File.Exists("/usr/bin/etcd"))
        {
            await Console.Error.WriteLineAsync("failover: /usr/bin/etcd not found; install etcd-server (packaging/dev/setup.sh)");
            return 2;
        }

        var root = Path.Combine(Path.GetTempPath(), "edge-failover-" + Guid.NewGuid().ToString("N"));
        var etcd = new List<Process>();
        var contenders = new Contender?[3];
        try
        {
            var urls = StartEtcd(root, etcd);
            await WaitHealthyAsync(urls[0]);
            var settings = new[] { string.Join(',', urls), ttl.ToString(CultureInfo.InvariantCulture), renew.ToString(CultureInfo.InvariantCulture), interval.ToString(CultureInfo.InvariantCulture) };
            for (var i = 0; i < 3; i++)
            {
                contenders[i] = Contender.Start($"c{i}", settings);
            }

            Console.WriteLine($"failover: 3-member etcd {etcd[0].MainModule?.FileVersionInfo.FileVersion ?? "3.4"} on loopback, 3 contender processes, lease TTL {ttl} s, renew deadline {renew} s, keep-alive every {interval} s, {trials} trials (SIGKILL of the leader)");
            var times = new List<double>();
            long term = 0;
            for (var trial = 1; trial <= trials; trial++)
            {
                // The leader of the current term (the one the previous trial elected).
                var leader = await WaitLeaderAsync(contenders, term - 1);
                term = leader.Term;

                // Let at least one renewal happen so the kill falls at a random point of the renewal cycle.
                await Task.Delay(TimeSpan.FromSeconds(interval * (1 + Random.Shared.NextDouble())));
                var killed = Array.IndexOf(contenders, leader);
                var start = Stopwatch.GetTimestamp();
                leader.Kill();
                var next = await WaitLeaderAsync(contenders, term);
                var seconds = Stopwatch.GetElapsedTime(start, next.LedAt).TotalSeconds;
                times.Add(seconds);
                Console.WriteLine($"trial {trial,2}: {leader.Id} (term {term}) killed, {next.Id} leads in term {next.Term} after {seconds:F3} s");
                term = next.Term;
                contenders[killed] = Contender.Start(leader.Id, settings);
            }

            times.Sort();
            Console.WriteLine($"failover after SIGKILL of the leader: p50 {Percentile(times, 0.5):F3} s, max {times[^1]:F3} s, min {times[0]:F3} s over {times.Count} trials");
            return 0;
        }
        finally
        {
            foreach (var contender in contenders)
            {
                contender?.Kill();
            }

            foreach (var process in etcd)
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    process.WaitForExit();
                }
            }

            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>A contender process: runs the election and prints <c>LEAD term</c> and <c>LOST term</c> lines.</summary>
    public static async Task<int> RunContenderAsync(string[] args)
    {
        var options = new ClusterOptions
        {
            MemberId = args[0],
            Etcd = args[1].Split(','),
            LeaseTtl = TimeSpan.FromSeconds(double.Parse(args[2], CultureInfo.InvariantCulture)),
            RenewDeadline = TimeSpan.FromSeconds(double.Parse(args[3], CultureInfo.InvariantCulture)),
            KeepAliveInterval = TimeSpan.FromSeconds(double.Parse(args[4], CultureInfo.InvariantCulture)),
        };
        var errors = ClusterOptionsValidator.Check(options, hasExternalBroker: true);
        if (errors.Count > 0)
        {
            await Console.Error.WriteLineAsync(string.Join(Environment.NewLine, errors));
            return 2;
        }

        using var leadership = new EtcdLeadership(MsOptions.Create(options), MsOptions.Create(new ControllerOptions { DataDirectory = "" }), NullLogger<EtcdLeadership>.Instance, TimeProvider.System);
        leadership.Changed += change => Console.Out.WriteLine(change.IsLeader ? $"LEAD {change.Term}" : $"LOST {change.Term}");
        await leadership.StartAsync(CancellationToken.None);
        await Console.In.ReadLineAsync();
        await leadership.StopAsync(CancellationToken.None);
        return 0;
    }

    private static async Task<Contender> WaitLeaderAsync(Contender?[] contenders, long above)
    {
        var deadline = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(deadline) < TimeSpan.FromSeconds(60))
        {
            if (contenders.FirstOrDefault(c => c is { Leads: true } && c.Term > above) is { } leader)
            {
                return leader;
            }

            await Task.Delay(1);
        }

        throw new TimeoutException($"no contender led in a term above {above} within 60 s");
    }

    /// <summary>Starts an etcd of <paramref name="members"/> members (data dirs <c>m0</c>, <c>m1</c>, ...) on free loopback ports under <paramref name="root"/>; returns its client URLs.</summary>
    internal static string[] StartEtcd(string root, List<Process> started, int members = 3, IReadOnlyList<string>? extraArgs = null)
    {
        var clientPorts = Enumerable.Range(0, members).Select(_ => FreePort()).ToArray();
        var peerPorts = Enumerable.Range(0, members).Select(_ => FreePort()).ToArray();
        var cluster = string.Join(',', Enumerable.Range(0, members).Select(i => $"m{i}=http://127.0.0.1:{peerPorts[i]}"));
        for (var i = 0; i < members; i++)
        {
            started.Add(Process.Start(new ProcessStartInfo("/usr/bin/etcd",
            [
                "--name", $"m{i}", "--data-dir", Path.Combine(root, $"m{i}"),
                "--listen-client-urls", $"http://127.0.0.1:{clientPorts[i]}", "--advertise-client-urls", $"http://127.0.0.1:{clientPorts[i]}",
                "--listen-peer-urls", $"http://127.0.0.1:{peerPorts[i]}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{peerPorts[i]}",
                "--initial-cluster", cluster, "--initial-cluster-state", "new", "--logger", "zap", "--log-level", "error",
                .. extraArgs ?? [],
            ]) { RedirectStandardError = true, RedirectStandardOutput = true })!);
        }

        return [.. clientPorts.Select(p => $"http://127.0.0.1:{p}")];
    }

    internal static async Task WaitHealthyAsync(string url)
    {
        using var channel = GrpcChannel.ForAddress(url);
        var kv = new KV.KVClient(channel);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await kv.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("/health") }, deadline: DateTime.UtcNow.AddSeconds(2));
                return;
            }
            catch (Exception) when (attempt < 200)
            {
                await Task.Delay(100);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Round(p * (sorted.Count - 1))];

    private static T Option<T>(string[] args, string name, T fallback) where T : IParsable<T>
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? T.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed class Contender
    {
        private readonly Process _process;
        private volatile bool _leads;
        private long _term;
        private long _ledAt;

        private Contender(string id, Process process)
        {
            Id = id;
            _process = process;
        }

        public string Id { get; }

        public bool Leads => _leads && !_process.HasExited;

        public long Term => Interlocked.Read(ref _term);

        public long LedAt => Interlocked.Read(ref _ledAt);

        public static Contender Start(string id, string[] settings)
        {
            var self = Environment.ProcessPath!;
            var prefix = Path.GetFileNameWithoutExtension(self) == "dotnet" ? new[] { typeof(FailoverBenchmark).Assembly.Location } : [];
            var info = new ProcessStartInfo(self, [.. prefix, "failover-contender", id, .. settings]) { RedirectStandardOutput = true, RedirectStandardInput = true, RedirectStandardError = true };
            var process = Process.Start(info)!;
            var contender = new Contender(id, process);
            process.OutputDataReceived += (_, e) => contender.OnLine(e.Data);
            process.ErrorDataReceived += (_, e) =>
            {
                if (!string.IsNullOrEmpty(e.Data))
                {
                    Console.Error.WriteLine($"{id}: {e.Data}");
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return contender;
        }

        /// <summary>SIGKILL: no lease revocation, etcd expires the lease after its TTL.</summary>
        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _leads = false;
        }

        private void OnLine(string? line)
        {
            var now = Stopwatch.GetTimestamp();
            if (line?.Split(' ') is [var what, var number] && long.TryParse(number, CultureInfo.InvariantCulture, out var term))
            {
                if (what == "LEAD")
                {
                    Interlocked.Exchange(ref _ledAt, now);
                    Interlocked.Exchange(ref _term, term);
                    _leads = true;
                }
                else
                {
                    _leads = false;
                }
            }
        }
    }
}
