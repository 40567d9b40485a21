using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Edge.Benchmarks.Failover;

/// <summary>
/// Failover of real controllers: a 3-member etcd on loopback, mosquitto (the shipped ACL, one user per controller),
/// three edge-controller processes in cluster mode (etcd state store, the lease settings given), one edge-agent. Each
/// trial submits a chain of short edge-workload steps to the leader, kills the leader with SIGKILL while a step runs,
/// and measures on this process's monotonic clock (1) until another controller logs that it leads in a higher term
/// and (2) until the first command of that term reaches the broker (an MQTT client subscribed to every node's
/// commands): the next step's start, once the new leader has taken over the run and seen the step end. The killed
/// controller is started again before the next trial. Prints every trial and p50/max.
/// <c>failover-controllers [--trials 20] [--ttl 5] [--renew-deadline 3.5] [--interval 1]</c>
/// </summary>
internal static class ControllerFailoverBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var trials = Option(args, "--trials", 20);
        var ttl = Option(args, "--ttl", 5);
        var renew = Option(args, "--renew-deadline", ttl - 1.5);
        var interval = Option(args, "--interval", 1.0);
        var controllerBinary = Path.Combine(RepoData.Root, "controller/Edge.Controller/bin/Release/net10.0/edge-controller");
        var agentBinary = Path.Combine(RepoData.Root, "agent/Edge.Agent/bin/Release/net10.0/edge-agent");
        var workload = Path.Combine(RepoData.Root, "agent/Edge.Agent/bin/Release/net10.0/edge-workload");
        foreach (var file in new[] { "/usr/bin/etcd", "/usr/sbin/mosquitto", "/usr/bin/mosquitto_passwd", controllerBinary, agentBinary, workload })
        {
            if (!File.Exists(file))
            {
                await Console.Error.WriteLineAsync($"failover-controllers: {file} not found (packaging/dev/setup.sh; dotnet build Edge.sln -c Release)");
                return 2;
            }
        }

        var root = Directory.CreateTempSubdirectory("edge-failover-controllers-");
        // Instances run as their own uids and must reach their directories under the agent's state directory.
        Edge.Agent.Cgroups.LibC.SetMode(root.FullName, (UnixFileMode)0x1C9); // 0711
        var processes = new List<Process>();
        var controllers = new Controller?[3];
        IMqttClient? sniffer = null;
        try
        {
            var urls = FailoverBenchmark.StartEtcd(root.FullName, processes);
            await FailoverBenchmark.WaitHealthyAsync(urls[0]);

            // mosquitto: one user per controller, the sniffer and the node; the shipped ACL plus the controllers' rule for each.
            var mqttPort = FreePort();
            var password = Guid.NewGuid().ToString("N");
            var passwd = Path.Combine(root.FullName, "edge.passwd");
            await File.WriteAllTextAsync(passwd, "");
            string[] users = ["edge-controller-c0", "edge-controller-c1", "edge-controller-c2", "edge-bench-sniffer", "bench-node"];
            foreach (var user in users)
            {
                using var p = Process.Start("/usr/bin/mosquitto_passwd", ["-b", passwd, user, password])!;
                await p.WaitForExitAsync();
            }

            var acl = Path.Combine(root.FullName, "edge.acl");
            await File.WriteAllTextAsync(acl, await File.ReadAllTextAsync(Path.Combine(RepoData.Root, "packaging/mosquitto/edge.acl"))
                + string.Concat(users[..4].Select(u => $"\nuser {u}\ntopic readwrite edge/#\n")));
            var conf = Path.Combine(root.FullName, "mosquitto.conf");
            await File.WriteAllTextAsync(conf, $"per_listener_settings false\nallow_anonymous false\npassword_file {passwd}\nacl_file {acl}\npersistence false\nuser root\nlistener {mqttPort} 127.0.0.1\nuse_username_as_clientid true\n");
            processes.Add(Process.Start(new ProcessStartInfo("/usr/sbin/mosquitto", ["-c", conf]) { RedirectStandardError = true, RedirectStandardOutput = true })!);
            await Task.Delay(500);

            var credentials = Path.Combine(root.FullName, "credentials.json");
            await File.WriteAllTextAsync(credentials, $"{{\"nodes\":{{\"bench-node\":\"{password}\"}}}}");
            var settings = new Dictionary<string, string>
            {
                ["EDGE_Controller__History__CheckpointInterval"] = "00:00:05",
                ["EDGE_Controller__Workflows__AllowedCommands__0"] = workload,
                ["EDGE_Controller__External__BrokerUrl"] = $"mqtt://127.0.0.1:{mqttPort}",
                ["EDGE_Controller__External__Password"] = password,
                ["EDGE_Controller__External__ReconnectMinDelay"] = "00:00:00.100",
                ["EDGE_Controller__Cluster__LeaseTtl"] = TimeSpan.FromSeconds(ttl).ToString("c", CultureInfo.InvariantCulture),
                ["EDGE_Controller__Cluster__RenewDeadline"] = TimeSpan.FromSeconds(renew).ToString("c", CultureInfo.InvariantCulture),
                ["EDGE_Controller__Cluster__KeepAliveInterval"] = TimeSpan.FromSeconds(interval).ToString("c", CultureInfo.InvariantCulture),
            };
            for (var i = 0; i < urls.Length; i++)
            {
                settings[$"EDGE_Controller__Cluster__Etcd__{i}"] = urls[i];
            }

            for (var i = 0; i < 3; i++)
            {
                controllers[i] = Controller.Start(i, controllerBinary, root.FullName, settings);
            }

            foreach (var controller in controllers)
            {
                await controller!.WaitReadyAsync();
            }

            var agentDir = Path.Combine(root.FullName, "agent");
            processes.Add(Process.Start(new ProcessStartInfo(agentBinary)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                Environment =
                {
                    ["EDGE_Agent__NodeId"] = "bench-node",
                    ["EDGE_Agent__Mqtt__BrokerUrl"] = $"mqtt://127.0.0.1:{mqttPort}",
                    ["EDGE_Agent__Mqtt__Username"] = "bench-node",
                    ["EDGE_Agent__Mqtt__Password"] = password,
                    ["EDGE_Agent__SpoolDirectory"] = Path.Combine(agentDir, "spool"),
                    ["EDGE_Agent__DotnetCounters__Enabled"] = "false",
                    ["EDGE_Supervisor__StateDirectory"] = Path.Combine(agentDir, "state"),
                    ["EDGE_Supervisor__CgroupParent"] = "edge-bench-" + Path.GetFileName(root.FullName),
                },
            })!);
            foreach (var p in processes.Skip(processes.Count - 1))
            {
                p.OutputDataReceived += (_, _) => { };
                p.ErrorDataReceived += (_, _) => { };
                p.BeginOutputReadLine();
                p.BeginErrorReadLine();
            }

            // Every command any controller sends, with its term, as the broker delivers it.
            var firstOfTerm = new System.Collections.Concurrent.ConcurrentDictionary<long, long>();
            sniffer = new MqttClientFactory().CreateMqttClient();
            sniffer.ApplicationMessageReceivedAsync += e =>
            {
                var now = Stopwatch.GetTimestamp();
                var json = JsonDocument.Parse(e.ApplicationMessage.Payload.ToArray()).RootElement;
                if (json.TryGetProperty("term", out var term) && term.ValueKind == JsonValueKind.Number)
                {
                    firstOfTerm.TryAdd(term.GetInt64(), now);
                }

                return Task.CompletedTask;
            };
            await sniffer.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mqttPort).WithCredentials("edge-bench-sniffer", password)
                .WithProtocolVersion(MqttProtocolVersion.V500).WithCleanStart(true).Build());
            await sniffer.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("edge/v1/nodes/+/commands", MqttQualityOfServiceLevel.AtLeastOnce).Build());

            await Task.Delay(TimeSpan.FromSeconds(3)); // the agent online at every controller
            Console.WriteLine($"failover-controllers: 3-member etcd on loopback, mosquitto, 3 edge-controller processes (etcd store), 1 edge-agent; lease TTL {ttl} s, renew deadline {renew} s, keep-alive every {interval} s, {trials} trials (SIGKILL of the leader while a chain of 0.3 s steps runs)");
            var leads = new List<double>();
            var commands = new List<double>();
            long lastTerm = 0;
            var lostOnTheirOwn = 0;
            for (var trial = 1; trial <= trials; trial++)
            {
                // A controller that lost the lead on its own (a renewal late on this loaded machine: it exits 75) is
                // started again, as systemd would; counted and printed.
                for (var i = 0; i < controllers.Length; i++)
                {
                    if (controllers[i]!.Exited)
                    {
                        lostOnTheirOwn++;
                        controllers[i] = Controller.Start(i, controllerBinary, root.FullName, settings);
                        await controllers[i]!.WaitReadyAsync();
                    }
                }

                var steps = Enumerable.Range(1, 40).Select(i => new
                {
                    id = $"s{i}",
                    componentId = "bench/chain",
                    command = workload,
                    args = new[] { "--cpu", "0.05", "--memory", "16", "--duration", "0.3" },
                    dependsOn = i == 1 ? Array.Empty<string>() : [$"s{i - 1}"],
                    hints = new Dictionary<string, string> { ["cpuMillicores"] = "200", ["memoryMiB"] = "64" },
                }).ToList();
                Controller leader;
                HttpClient http;
                string? runId = null;
                while (true)
                {
                    leader = await WaitLeaderAsync(controllers, lastTerm - 1);
                    lastTerm = leader.Term;
                    http = leader.Client();
                    using var submitted = await http.PostAsJsonAsync("/api/workflows", new { schemaVersion = 1, workflowId = "bench-chain", steps });
                    if (submitted.IsSuccessStatusCode)
                    {
                        runId = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString();
                        break;
                    }

                    await Console.Out.WriteLineAsync($"  POST /api/workflows to {leader.Id} (term {leader.Term}): {(int)submitted.StatusCode}, trying the leader again");
                    http.Dispose();
                    await Task.Delay(500);
                }

                // Let the chain run a few steps under this leader, so the kill falls while one of them runs.
                var seen = firstOfTerm.ContainsKey(leader.Term);
                await Task.Delay(TimeSpan.FromSeconds(3 + Random.Shared.NextDouble()));
                if (!firstOfTerm.ContainsKey(leader.Term) && !seen)
                {
                    throw new InvalidOperationException($"no command of term {leader.Term} seen: is the agent connected?");
                }

                using (http)
                {
                    using var response = await http.GetAsync($"/api/workflows/{runId}");
                    if (!leader.Leads || !response.IsSuccessStatusCode)
                    {
                        // It lost the lead on its own meanwhile: this trial starts over under whoever leads now.
                        await Console.Out.WriteLineAsync($"  {leader.Id} no longer leads before the kill; the trial starts over");
                        trial--;
                        continue;
                    }

                    var run = await response.Content.ReadFromJsonAsync<JsonElement>();
                    if (run.GetProperty("state").GetString() != "running")
                    {
                        throw new InvalidOperationException($"run {runId} is no longer running before the kill: {run}");
                    }
                }

                var killed = Array.IndexOf(controllers, leader);
                var start = Stopwatch.GetTimestamp();
                leader.Kill();
                var next = await WaitLeaderAsync(controllers, leader.Term);
                var led = Stopwatch.GetElapsedTime(start, next.LedAt).TotalSeconds;
                var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 60;
                while (!firstOfTerm.ContainsKey(next.Term) && Stopwatch.GetTimestamp() < until)
                {
                    await Task.Delay(5);
                }

                if (!firstOfTerm.TryGetValue(next.Term, out var first))
                {
                    throw new TimeoutException($"no command of term {next.Term} within 60 s of its leader's election; {next.Id} logged:\n{next.Tail}");
                }

                var commanded = Stopwatch.GetElapsedTime(start, first).TotalSeconds;
                leads.Add(led);
                commands.Add(commanded);
                Console.WriteLine($"trial {trial,2}: {leader.Id} (term {leader.Term}) killed, {next.Id} leads in term {next.Term} after {led:F3} s, its first command after {commanded:F3} s");
                lastTerm = next.Term;
                controllers[killed] = Controller.Start(killed, controllerBinary, root.FullName, settings);
                await controllers[killed]!.WaitReadyAsync();
            }

            leads.Sort();
            commands.Sort();
            Console.WriteLine($"new leader after SIGKILL of the leader: p50 {Percentile(leads, 0.5):F3} s, max {leads[^1]:F3} s, min {leads[0]:F3} s over {leads.Count} trials");
            Console.WriteLine($"controllers that lost the lead on their own between trials (late renewal under load) and were restarted: {lostOnTheirOwn}");
            Console.WriteLine($"first command of the new leader:        p50 {Percentile(commands, 0.5):F3} s, max {commands[^1]:F3} s, min {commands[0]:F3} s");
            return 0;
        }
        finally
        {
            sniffer?.Dispose();
            foreach (var controller in controllers)
            {
                controller?.Kill();
            }

            foreach (var process in processes.AsEnumerable().Reverse())
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit();
                }
            }

            KillCgroup("edge-bench-" + Path.GetFileName(root.FullName));
            try
            {
                root.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static void KillCgroup(string parent)
    {
        foreach (var hierarchy in Directory.Exists("/sys/fs/cgroup") ? Directory.EnumerateDirectories("/sys/fs/cgroup").Append("/sys/fs/cgroup") : [])
        {
            var dir = Path.Combine(hierarchy, parent);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var procs in Directory.EnumerateFiles(dir, "cgroup.procs", SearchOption.AllDirectories))
            {
                foreach (var line in File.ReadAllLines(procs))
                {
                    try
                    {
                        Process.GetProcessById(int.Parse(line, CultureInfo.InvariantCulture)).Kill();
                    }
                    catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
                    {
                    }
                }
            }

            Thread.Sleep(200);
            foreach (var group in Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories).Reverse().Append(dir))
            {
                try
                {
                    Directory.Delete(group);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private static async Task<Controller> WaitLeaderAsync(Controller?[] controllers, long above)
    {
        var start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(90))
        {
            if (controllers.FirstOrDefault(c => c is { Leads: true } && c.Term > above) is { } leader)
            {
                return leader;
            }

            await Task.Delay(1);
        }

        throw new TimeoutException($"no controller led in a term above {above} within 90 s");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Round(p * (sorted.Count - 1))];

    private static T Option<T>(string[] args, string name, T fallback) where T : IParsable<T>
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? T.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>One edge-controller process; "leads in term N" in its log marks when it won (this process's clock).</summary>
    private sealed class Controller
    {
        private readonly Process _process;
        private readonly int _port;
        private const string BenchToken = "edge_failover-benchmark-admin-token-0123456789";
        private readonly Queue<string> _tail = new();
        private volatile bool _leads;
        private long _term;
        private long _ledAt;

        private Controller(string id, Process process, int port)
        {
            Id = id;
            _process = process;
            _port = port;
        }

        public string Id { get; }

        public bool Leads => _leads && !_process.HasExited;

        public bool Exited => _process.HasExited;

        public long Term => Interlocked.Read(ref _term);

        public long LedAt => Interlocked.Read(ref _ledAt);

        /// <summary>Its last 300 lines of output, for an error message.</summary>
        public string Tail
        {
            get
            {
                lock (_tail)
                {
                    return string.Join('\n', _tail);
                }
            }
        }

        public static Controller Start(int index, string binary, string root, IReadOnlyDictionary<string, string> settings)
        {
            var id = $"c{index}";
            var port = FreePort();
            var data = Path.Combine(root, id);
            var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var (key, value) in settings)
            {
                info.Environment[key] = value;
            }

            info.Environment["EDGE_Controller__DataDirectory"] = data;
            info.Environment["EDGE_Controller__Http__Urls__0"] = $"http://127.0.0.1:{port}";
            info.Environment["EDGE_Controller__External__Username"] = "edge-controller-" + id;
            info.Environment["EDGE_Controller__External__ClientId"] = "edge-controller-" + id;
            info.Environment["EDGE_Controller__Cluster__MemberId"] = id;

            // Tokens live in etcd and only the first leader writes admin.token: every controller accepts this one by hash.
            info.Environment["EDGE_Controller__Http__Tokens__bench__Role"] = "admin";
            info.Environment["EDGE_Controller__Http__Tokens__bench__Sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(BenchToken)));
            var process = Process.Start(info)!;
            var controller = new Controller(id, process, port);
            process.OutputDataReceived += (_, e) => controller.OnLine(e.Data);
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return controller;
        }

        public HttpClient Client()
        {
            var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}"), Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", BenchToken);
            return client;
        }

        public async Task WaitReadyAsync()
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}"), Timeout = TimeSpan.FromSeconds(5) };
            var start = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(90))
            {
                try
                {
                    using var response = await client.GetAsync("/readyz");
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                }

                await Task.Delay(100);
            }

            throw new TimeoutException($"controller {Id} not ready within 90 s");
        }

        /// <summary>SIGKILL: no lease revocation, etcd expires the lease after its TTL.</summary>
        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }

            _leads = false;
        }

        private void OnLine(string? line)
        {
            var now = Stopwatch.GetTimestamp();
            if (line is not null)
            {
                lock (_tail)
                {
                    _tail.Enqueue(line);
                    if (_tail.Count > 300)
                    {
                        _tail.Dequeue();
                    }
                }
            }

            const string marker = " leads in term ";
            var at = line?.IndexOf(marker, StringComparison.Ordinal) ?? -1;
            if (line is null || at < 0)
            {
                return;
            }

            var rest = line[(at + marker.Length)..].Split(' ')[0];
            if (long.TryParse(rest, CultureInfo.InvariantCulture, out var term))
            {
                Interlocked.Exchange(ref _ledAt, now);
                Interlocked.Exchange(ref _term, term);
                _leads = true;
            }
        }
    }
}
