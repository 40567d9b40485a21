using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Edge.Agent.Cgroups;
using Edge.Agent.Prometheus;
using Edge.Agent.Supervision;
using Edge.Agent.Tests.Supervision;
using Edge.Common.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Agent.Tests.Prometheus;

/// <summary>
/// The agent's <c>/metrics</c> scraped over real HTTP from the real agent host (real /proc samplers, real cgroup v1
/// groups, a real workload instance started by a command), checked by content and by <c>promtool check metrics</c>.
/// </summary>
[Collection(RealCgroupCollection.Name)]
public sealed class AgentMetricsEndpointTests : IDisposable
{
    private const string Token = "scrape-token-0123456789abcdef";
    private readonly string _dir = EnterableTempDirectory();
    private readonly string _parent = "edge-test-" + Guid.NewGuid().ToString("N")[..8];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Scrape_RunningInstance_ShowsUsageLimitsAndThrottlingAndPassesPromtool()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1, SupervisorHarness.SkipReason);
        using var host = BuildHost(tokenFile: null);
        var ct = TestContext.Current.CancellationToken;
        await host.StartAsync(ct);
        var url = await UrlAsync(host);
        await host.Services.GetRequiredService<ICommandHandler>().HandleAsync(new NodeCommand
        {
            CommandId = Guid.NewGuid().ToString("N"),
            NodeId = SupervisorHarness.NodeId,
            Kind = CommandKind.Start,
            IssuedAtMs = 0,
            Start = new StartSpec
            {
                InstanceId = "prom-1",
                ComponentId = "test/prom",
                Executable = SupervisorOptions.BundledWorkload,
                Args = ["--cpu", "1", "--duration", "120"],
                Limits = new InstanceLimits(100, 96),
            },
        }, ct);

        // Busy on 1 core at a 100-millicore limit: throttled within a few periods.
        var text = "";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(Value(text, "edge_agent_instance_cpu_throttled_periods_total", "instance_id=\"prom-1\"") > 0
            && Value(text, "edge_agent_instance_cpu_usage_cores", "instance_id=\"prom-1\"") is not null))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no throttling of instance prom-1 on /metrics after 30 s; last scrape:\n{text}");
            await Task.Delay(200, ct);
            text = await _http.GetStringAsync(url, ct);
        }

        Assert.Equal(0.1, Value(text, "edge_agent_instance_cpu_limit_cores", "instance_id=\"prom-1\""));
        Assert.Equal(96.0 * 1024 * 1024, Value(text, "edge_agent_instance_memory_limit_bytes", "instance_id=\"prom-1\""));
        Assert.InRange(Value(text, "edge_agent_instance_memory_usage_bytes", "instance_id=\"prom-1\"")!.Value, 1024 * 1024, 96.0 * 1024 * 1024);
        Assert.InRange(Value(text, "edge_agent_instance_cpu_usage_cores", "instance_id=\"prom-1\"")!.Value, 0.01, 0.5);
        Assert.Equal(0, Value(text, "edge_agent_instance_oom_kills_total", "instance_id=\"prom-1\""));
        Assert.True(Value(text, "edge_agent_node_memory_total_bytes", "") > 0);
        Assert.True(Value(text, "edge_agent_samples_collected_total", "") > 0);
        // The broker is not there: everything goes to the spool, and the endpoint says so.
        Assert.Equal(0, Value(text, "edge_agent_mqtt_connected", ""));
        Assert.True(Value(text, "edge_agent_spool_records", "") > 0);
        Assert.True(Value(text, "edge_agent_spool_appended_total", "") > 0);
        Assert.True(Value(text, "edge_supervisor_commands_accepted_total", "kind=\"Start\"") >= 1, text);

        var lint = await Promtool.CheckMetricsAsync(text, ct);
        Assert.True(lint.Clean, $"promtool check metrics (exit {lint.ExitCode}):\n{lint.Output}\n--- exposition ---\n{text}");
    }

    [Fact]
    public async Task Scrape_WithTokenFile_RefusesMissingOrWrongTokenAndCountsIt()
    {
        var tokenFile = Path.Combine(_dir, "token");
        await File.WriteAllTextAsync(tokenFile, Token + "\n", TestContext.Current.CancellationToken);
        using var host = BuildHost(tokenFile, supervision: false);
        var ct = TestContext.Current.CancellationToken;
        await host.StartAsync(ct);
        var url = await UrlAsync(host);

        using (var none = await _http.GetAsync(url, ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
            Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        }

        using (var wrong = await SendAsync(HttpMethod.Get, url, Token + "x"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var missingPath = await SendAsync(HttpMethod.Get, url.Replace("/metrics", "/other", StringComparison.Ordinal), Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, missingPath.StatusCode);
        }

        using (var post = await SendAsync(HttpMethod.Post, url, Token))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        }

        using var ok = await SendAsync(HttpMethod.Get, url, Token);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", ok.Content.Headers.ContentType!.ToString());
        var text = await ok.Content.ReadAsStringAsync(ct);
        Assert.Equal(2, Value(text, "edge_agent_prometheus_refused_total", "reason=\"unauthorized\""));
        Assert.Equal(1, Value(text, "edge_agent_prometheus_refused_total", "reason=\"not_found\""));
        Assert.Equal(1, Value(text, "edge_agent_prometheus_refused_total", "reason=\"method\""));
    }

    [Fact]
    public async Task Scrape_SlowClient_IsCutOffAtTheTimeoutAndMoreThanMaxConnectionsGet503()
    {
        using var host = BuildHost(tokenFile: null, supervision: false, extra: new()
        {
            ["Agent:Prometheus:MaxConnections"] = "1",
            ["Agent:Prometheus:RequestTimeout"] = "00:00:01",
        });
        var ct = TestContext.Current.CancellationToken;
        await host.StartAsync(ct);
        var endPoint = (IPEndPoint)await host.Services.GetRequiredService<PrometheusEndpoint>().Bound;

        // A client that connects and sends nothing holds the one slot until the timeout closes it.
        using var idle = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await idle.ConnectAsync(endPoint, ct);
        await Poll.UntilAsync(async () =>
        {
            using var busy = await _http.GetAsync($"http://{endPoint}/metrics", ct);
            return busy.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, "a 503 while the only slot is taken");

        // The server closes the silent connection (receive returns 0) once the timeout passes.
        var buffer = new byte[16];
        using var receive = CancellationTokenSource.CreateLinkedTokenSource(ct);
        receive.CancelAfter(TimeSpan.FromSeconds(20));
        Assert.Equal(0, await idle.ReceiveAsync(buffer, SocketFlags.None, receive.Token));
        await Poll.UntilAsync(async () => (await _http.GetAsync($"http://{endPoint}/metrics", ct)).StatusCode == HttpStatusCode.OK, "the slot freed after the timeout");
        var text = await _http.GetStringAsync($"http://{endPoint}/metrics", ct);
        Assert.True(Value(text, "edge_agent_prometheus_refused_total", "reason=\"timeout\"") >= 1, text);
        Assert.True(Value(text, "edge_agent_prometheus_refused_total", "reason=\"busy\"") >= 1, text);
    }

    [Fact]
    public async Task Start_WithUnreadableTokenFile_FailsNamingThePath()
    {
        var missing = Path.Combine(_dir, "no-such-token");
        using var host = BuildHost(missing, supervision: false);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains($"Agent:Prometheus:BearerTokenFile '{missing}'", error.Message, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string token)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<string> UrlAsync(IHost host)
    {
        var bound = await host.Services.GetRequiredService<PrometheusEndpoint>().Bound.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        return $"http://{bound}/metrics";
    }

    /// <summary>The value of the series <paramref name="name"/> with exactly <paramref name="labels"/> (no braces), or null.</summary>
    internal static double? Value(string text, string name, string labels)
    {
        var series = labels.Length == 0 ? name : $"{name}{{{labels}}}";
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private IHost BuildHost(string? tokenFile, bool supervision = true, Dictionary<string, string?>? extra = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        var settings = new Dictionary<string, string?>
        {
            ["Agent:NodeId"] = SupervisorHarness.NodeId,
            ["Agent:Mqtt:BrokerUrl"] = "mqtt://127.0.0.1:1",
            ["Agent:SampleInterval"] = "00:00:00.200",
            ["Agent:SpoolDirectory"] = Path.Combine(_dir, "spool"),
            ["Agent:DotnetCounters:Enabled"] = "false",
            ["Agent:Prometheus:Listen"] = $"127.0.0.1:{FreePort()}",
            ["Agent:Prometheus:BearerTokenFile"] = tokenFile,
            ["Supervisor:StateDirectory"] = Path.Combine(_dir, "state"),
            ["Supervisor:CgroupParent"] = _parent,
            ["Supervisor:MonitorIntervalMs"] = "100",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Services.AddEdgeAgent(builder.Configuration);
        if (supervision)
        {
            builder.Services.AddEdgeSupervision(builder.Configuration);
        }

        return builder.Build();
    }

    /// <summary>Instances run as dynamic uids, which must be able to enter the directories above their own (0711).</summary>
    private static string EnterableTempDirectory()
    {
        var dir = Directory.CreateTempSubdirectory("edge-prom-").FullName;
        if (OperatingSystem.IsWindows())
        {
            return dir;
        }

        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return dir;
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public void Dispose()
    {
        _http.Dispose();
        if (SupervisorHarness.CanUseCgroupV1)
        {
            var layout = CgroupLayout.Detect();
            var driver = new CgroupV1Driver(layout, _parent);
            foreach (var group in driver.ListGroups())
            {
                foreach (var pid in driver.ReadPids(group))
                {
                    LibC.Kill(pid, LibC.SigKill);
                }
            }

            foreach (var mount in layout.V1Mounts.Values.Distinct())
            {
                var dir = Path.Combine(mount, _parent);
                foreach (var child in Directory.Exists(dir) ? Directory.GetDirectories(dir) : [])
                {
                    TryDelete(child);
                }

                TryDelete(dir);
            }
        }

        Directory.Delete(_dir, recursive: true);
    }

    private static void TryDelete(string dir)
    {
        for (var i = 0; i < 50 && Directory.Exists(dir); i++)
        {
            try
            {
                Directory.Delete(dir);
            }
            catch (IOException)
            {
                Thread.Sleep(100);
            }
        }
    }
}
