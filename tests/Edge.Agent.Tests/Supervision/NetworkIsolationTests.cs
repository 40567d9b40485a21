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
        var network = InstanceNetwork.For("talker", subnet, 0);
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
