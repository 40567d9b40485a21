using Edge.Agent.Supervision;
using Edge.Common.Contracts;

namespace Edge.Agent.Tests.Supervision;

[Collection(RealCgroupCollection.Name)]
public sealed class NetworkIsolationTests
{
    [Fact]
    public async Task Start_NetworkIsolated_MeasuresEgressCappedNearRateAndCleansUp()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1 && NetworkIsolator.FindIp() is not null, SupervisorHarness.SkipReason + ", and iproute2");
        var subnet = $"10.{Random.Shared.Next(100, 250)}.{Random.Shared.Next(0, 250)}.0/24";
        await using var harness = new SupervisorHarness(configure: o => o with { NetworkSubnet = subnet });
        var network = InstanceNetwork.For("talker", subnet, 0, harness.StateDirectory);
        var start = harness.Start("talker", new InstanceLimits(1000, 256, NetworkMbps: 8),
            ["--net-mbps", "40", "--net-target", $"{network.HostAddress}:9", "--duration", "60"]);
        start = start with { Start = start.Start! with { NetworkIsolation = true } };

        await harness.HandleAsync(start);
        var started = await harness.Sink.WaitForAsync(NodeEventKind.InstanceStarted, "talker");
        Assert.Null(started.Reason);
        Assert.True(Directory.Exists("/sys/class/net/" + network.HostInterface));

        var capped = await MeasureTxMbpsAsync(harness.Supervisor, "talker");
        TestContext.Current.TestOutputHelper?.WriteLine($"egress cap 8 Mbps: measured {capped:F2} Mbps");
        Assert.InRange(capped, 4, 10);

        await harness.HandleAsync(harness.Resize("talker", new InstanceLimits(1000, 256, NetworkMbps: 16)));
        var raised = await MeasureTxMbpsAsync(harness.Supervisor, "talker");
        TestContext.Current.TestOutputHelper?.WriteLine($"egress cap 16 Mbps: measured {raised:F2} Mbps");
        Assert.InRange(raised, 11, 19);

        await harness.HandleAsync(harness.Stop("talker", graceMs: 5000));
        await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "talker");
        Assert.False(Directory.Exists("/sys/class/net/" + network.HostInterface));
        Assert.False(File.Exists("/run/netns/" + network.Namespace));
    }

    [Fact]
    public async Task Start_WithoutRequest_EveryInstanceMeasuredBothWaysAndCappedAtItsLimit()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1 && NetworkIsolator.FindIp() is not null, SupervisorHarness.SkipReason + ", and iproute2");
        var subnet = $"10.{Random.Shared.Next(100, 250)}.{Random.Shared.Next(0, 250)}.0/24";
        await using var harness = new SupervisorHarness(configure: o => o with { NetworkSubnet = subnet });
        Assert.Equal(NetworkIsolationModes.Always, harness.Options.NetworkIsolation);
        var network = InstanceNetwork.For("plain", subnet, 0, harness.StateDirectory);

        // No networkIsolation in the start, a 12 Mbps limit; the instance sends 6 Mbps (under its cap) to its host.
        await harness.HandleAsync(harness.Start("plain", new InstanceLimits(1000, 256, NetworkMbps: 12),
            ["--net-mbps", "6", "--net-target", $"{network.HostAddress}:9", "--duration", "60"]));
        var started = await harness.Sink.WaitForAsync(NodeEventKind.InstanceStarted, "plain");
        Assert.Null(started.Reason);
        Assert.True(File.Exists(Path.Combine(NetworkIsolator.NamespaceDirectory, network.Namespace)));

        var (tx, _) = await MeasureAsync(harness.Supervisor, "plain");
        TestContext.Current.TestOutputHelper?.WriteLine($"sending 6 Mbps under a 12 Mbps cap: measured tx {tx:F2} Mbps");
        Assert.InRange(tx, 5.4, 6.6);

        // 40 Mbps sent to the instance from the host: received at its 12 Mbps cap (the host end's token bucket).
        using var flood = new CancellationTokenSource();
        var sender = Task.Run(() => SendUdpAsync(network.InstanceAddress, 40, flood.Token), TestContext.Current.CancellationToken);
        var (_, rx) = await MeasureAsync(harness.Supervisor, "plain");
        await flood.CancelAsync();
        await sender;
        TestContext.Current.TestOutputHelper?.WriteLine($"receiving 40 Mbps under a 12 Mbps cap: measured rx {rx:F2} Mbps");
        Assert.InRange(rx, 10.8, 13.2);

        // Resized in place: the egress cap drops below what it sends.
        await harness.HandleAsync(harness.Resize("plain", new InstanceLimits(1000, 256, NetworkMbps: 3)));
        var resized = await harness.Sink.WaitForAsync(NodeEventKind.InstanceResized, "plain");
        Assert.Null(resized.Reason);
        var (capped, _) = await MeasureAsync(harness.Supervisor, "plain");
        TestContext.Current.TestOutputHelper?.WriteLine($"sending 6 Mbps under a 3 Mbps cap: measured tx {capped:F2} Mbps");
        Assert.InRange(capped, 2.7, 3.3);

        await harness.HandleAsync(harness.Stop("plain", graceMs: 5000));
        await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "plain");
        Assert.False(File.Exists(Path.Combine(NetworkIsolator.NamespaceDirectory, network.Namespace)));
    }

    [Fact]
    public async Task Start_OnRequestMode_LeavesUnrequestedInstancesInTheHostNetwork()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1 && NetworkIsolator.FindIp() is not null, SupervisorHarness.SkipReason + ", and iproute2");
        var subnet = $"10.{Random.Shared.Next(100, 250)}.{Random.Shared.Next(0, 250)}.0/24";
        await using var harness = new SupervisorHarness(configure: o => o with { NetworkSubnet = subnet, NetworkIsolation = NetworkIsolationModes.OnRequest });
        await harness.HandleAsync(harness.Start("shared", new InstanceLimits(1000, 256, NetworkMbps: 5), ["--duration", "60"]));
        var started = await harness.Sink.WaitForAsync(NodeEventKind.InstanceStarted, "shared");
        Assert.Contains("on-request", started.Reason, StringComparison.Ordinal);
        var samples = new List<MetricSample>();
        harness.Supervisor.Collect(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(), samples);
        await Task.Delay(1100, TestContext.Current.CancellationToken);
        harness.Supervisor.Collect(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(), samples);
        Assert.DoesNotContain(samples, s => s.Scope == MetricNames.InstanceScopePrefix + "shared" && s.Metric.StartsWith("net.", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(NetworkIsolator.NamespaceDirectory, InstanceNetwork.For("shared", subnet, 0, harness.StateDirectory).Namespace)));
        await harness.HandleAsync(harness.Stop("shared", graceMs: 5000));
        await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "shared");
    }

    [Fact]
    public async Task Monitor_SenderAboveItsCap_ReportsNetworkThrottlingAndARefusedNetworkResize()
    {
        Assert.SkipUnless(SupervisorHarness.CanUseCgroupV1 && NetworkIsolator.FindIp() is not null, SupervisorHarness.SkipReason + ", and iproute2");
        var subnet = $"10.{Random.Shared.Next(100, 250)}.{Random.Shared.Next(0, 250)}.0/24";
        await using var harness = new SupervisorHarness(configure: o => o with { NetworkSubnet = subnet, ThrottleEventIntervalMs = 0 });
        var network = InstanceNetwork.For("pushy", subnet, 0, harness.StateDirectory);

        // Sends 12 Mbps under a 4 Mbps egress cap: the token bucket on its end of the veth holds it back.
        await harness.HandleAsync(harness.Start("pushy", new InstanceLimits(1000, 256, NetworkMbps: 4),
            ["--net-mbps", "12", "--net-target", $"{network.HostAddress}:9", "--duration", "60"]));
        Assert.Null((await harness.Sink.WaitForAsync(NodeEventKind.InstanceStarted, "pushy")).Reason);
        await MeasureAsync(harness.Supervisor, "pushy"); // the sampler's rate: at the cap, so the monitor reads the counters
        await harness.Supervisor.MonitorAsync(TestContext.Current.CancellationToken);

        var throttled = await harness.Sink.WaitForAsync(NodeEventKind.InstanceNetworkThrottled, "pushy");
        var values = throttled.Values!;
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ", values.Select(v => $"{v.Key}={v.Value:0.##}")));
        Assert.Equal(4, values["net_limit_mbps"]);
        Assert.True(values["net_tx_dropped"] + values["net_tx_overlimits"] > 0, "the egress bucket held packets back");
        Assert.InRange(values["net_tx_mbps"], 3.2, 4.8);
        Assert.Equal(4, throttled.NewLimits!.NetworkMbps);

        // Its namespace's name removed from under the agent (the process keeps the namespace): tc cannot reach the
        // instance end, so a network resize is refused, reported with the command's kind and both limits.
        Assert.True(File.Exists(Path.Combine(NetworkIsolator.NamespaceDirectory, network.Namespace)));
        using (var del = System.Diagnostics.Process.Start(NetworkIsolator.FindIp()!, ["netns", "del", network.Namespace]))
        {
            await del.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, del.ExitCode);
        }

        var resize = harness.Resize("pushy", new InstanceLimits(1000, 256, NetworkMbps: 20));
        await harness.HandleAsync(resize);
        var refused = await harness.Sink.WaitForAsync(NodeEventKind.CommandRejected, "pushy");
        TestContext.Current.TestOutputHelper?.WriteLine(refused.Reason ?? "");
        Assert.Equal((CommandKind.Resize, resize.CommandId), (refused.CommandKind!.Value, refused.CommandId));
        Assert.Contains("network cap 20 Mbps could not be applied", refused.Reason, StringComparison.Ordinal);
        Assert.Equal((4.0, 20.0), (refused.OldLimits!.NetworkMbps!.Value, refused.NewLimits!.NetworkMbps!.Value));

        await harness.HandleAsync(harness.Stop("pushy", graceMs: 5000));
        await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "pushy");
        Assert.False(Directory.Exists("/sys/class/net/" + network.HostInterface));
    }

    internal static async Task SendUdpAsync(System.Net.IPAddress target, double mbps, CancellationToken cancellationToken)
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        var endpoint = new System.Net.IPEndPoint(target, 9);
        var payload = new byte[1200];
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        long sent = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            while (sent + payload.Length <= mbps * 1e6 / 8 * System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds)
            {
                try
                {
                    socket.SendTo(payload, endpoint);
                }
                catch (System.Net.Sockets.SocketException)
                {
                    // A full queue (the cap is dropping): the datagram still counts as offered.
                }

                sent += payload.Length;
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

    /// <summary>The instance's tx and rx over 3 s, after a second for the bucket's burst and the sender's start-up.</summary>
    internal static async Task<(double Tx, double Rx)> MeasureAsync(Supervisor supervisor, string instanceId)
    {
        await Task.Delay(1000, TestContext.Current.CancellationToken);
        var samples = new List<MetricSample>();
        supervisor.Collect(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(), samples);
        await Task.Delay(3000, TestContext.Current.CancellationToken);
        samples.Clear();
        supervisor.Collect(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(), samples);
        var scope = MetricNames.InstanceScopePrefix + instanceId;
        return (Assert.Single(samples, s => s.Scope == scope && s.Metric == MetricNames.NetworkTxMbps).Value,
            Assert.Single(samples, s => s.Scope == scope && s.Metric == MetricNames.NetworkRxMbps).Value);
    }

    private static async Task<double> MeasureTxMbpsAsync(Supervisor supervisor, string instanceId)
    {
        // Skip the first second after a change (the token bucket's burst and the sender's start-up).
        await Task.Delay(1000, TestContext.Current.CancellationToken);
        var samples = new List<MetricSample>();
        supervisor.Collect(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(), samples);
        await Task.Delay(3000, TestContext.Current.CancellationToken);
        samples.Clear();
        supervisor.Collect(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(), samples);
        return Assert.Single(samples, s => s.Scope == MetricNames.InstanceScopePrefix + instanceId && s.Metric == MetricNames.NetworkTxMbps).Value;
    }
}
