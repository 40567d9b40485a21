using Edge.Agent.Cgroups;
using Edge.Agent.Supervision;
using Edge.Agent.Tests.Cgroups;
using Edge.Common.Contracts;

namespace Edge.Agent.Tests.Supervision;

/// <summary>
/// The per-instance network path (namespace, veth, token buckets, /proc/net/dev counters) under the cgroup v2
/// driver. This host is cgroup v1 (its cgroup2 mount has no cpu or memory controller), so the v2 driver runs on a
/// fixture tree (<see cref="V2FixtureTree"/>, as the driver's own tests do); everything about the network is real:
/// the namespace, the veth pair, tc, the counters and the traffic (the kernel's part the fixture stands in for: a group gets its files, a pid written to a
/// group's <c>cgroup.procs</c> is a member while it runs). Nothing in it may need <c>net_cls</c>, which
/// cgroup v2 does not have: the fixture has no such controller and no v1 hierarchy is touched.
/// </summary>
[Collection(RealCgroupCollection.Name)]
public sealed class NetworkIsolationV2Tests
{
    [Fact]
    public async Task Start_UnderTheV2Driver_MeasuresBothWaysCapsResizesAndReportsThrottling()
    {
        Assert.SkipUnless(LibC.IsRoot && NetworkIsolator.FindIp() is not null, "needs root (network namespaces) and iproute2");
        using var tree = new V2FixtureTree();
        var subnet = $"10.{Random.Shared.Next(100, 250)}.{Random.Shared.Next(0, 250)}.0/24";
        await using var harness = new SupervisorHarness(
            EnforcementModes.CgroupV2,
            o => o with { NetworkSubnet = subnet, CgroupV2Root = tree.Root, ThrottleEventIntervalMs = 0 },
            driver => new FixtureKernel((CgroupV2Driver)driver, tree));
        Assert.Equal(CgroupMode.V2, harness.Driver.CgroupMode);
        Assert.Equal(NetworkIsolationModes.Always, harness.Options.NetworkIsolation);
        var network = InstanceNetwork.For("v2talker", subnet, 0, harness.StateDirectory);

        // No networkIsolation asked for: every instance gets its namespace. It sends 6 Mbps under a 3 Mbps cap.
        var started = await harness.StartAsync("v2talker", new InstanceLimits(1000, 256, NetworkMbps: 3),
            "--net-mbps", "6", "--net-target", $"{network.HostAddress}:9", "--duration", "60");
        Assert.Null(started.Reason);
        var pid = started.Pid!.Value;
        Assert.Contains(pid, harness.Driver.ReadPids(Supervisor.GroupNameOf("v2talker")));
        // The launch prologue joins the namespace before it runs the program, so the pid's namespace changes shortly
        // after the start is acknowledged, not necessarily before.
        await Poll.UntilAsync(() => NetNamespaceOf(pid) != NetNamespaceOf(Environment.ProcessId), "the instance runs in a network namespace of its own", seconds: 10);
        Assert.True(File.Exists(Path.Combine(NetworkIsolator.NamespaceDirectory, network.Namespace)));

        var (capped, _) = await NetworkIsolationTests.MeasureAsync(harness.Supervisor, "v2talker");
        TestContext.Current.TestOutputHelper?.WriteLine($"v2: sending 6 Mbps under a 3 Mbps cap: tx {capped:F2} Mbps");
        Assert.InRange(capped, 2.7, 3.3);

        await harness.Supervisor.MonitorAsync(TestContext.Current.CancellationToken);
        var throttled = await harness.Sink.WaitForAsync(NodeEventKind.InstanceNetworkThrottled, "v2talker");
        Assert.Equal(3, throttled.Values!["net_limit_mbps"]);
        Assert.True(throttled.Values["net_tx_dropped"] + throttled.Values["net_tx_overlimits"] > 0, "the egress bucket held packets back");

        // Resized in place: the cap rises above what it sends, and 20 Mbps sent to it is received at that cap.
        await harness.HandleAsync(harness.Resize("v2talker", new InstanceLimits(1000, 256, NetworkMbps: 12)));
        Assert.Null((await harness.Sink.WaitForAsync(NodeEventKind.InstanceResized, "v2talker")).Reason);
        using var flood = new CancellationTokenSource();
        var sender = Task.Run(() => NetworkIsolationTests.SendUdpAsync(network.InstanceAddress, 20, flood.Token), TestContext.Current.CancellationToken);
        var (tx, rx) = await NetworkIsolationTests.MeasureAsync(harness.Supervisor, "v2talker");
        await flood.CancelAsync();
        await sender;
        TestContext.Current.TestOutputHelper?.WriteLine($"v2: cap 12 Mbps: tx {tx:F2} Mbps (sends 6), rx {rx:F2} Mbps (20 sent to it)");
        Assert.InRange(tx, 5.4, 6.6);
        Assert.InRange(rx, 10.8, 13.2);

        await harness.HandleAsync(harness.Stop("v2talker", graceMs: 5000));
        await harness.Sink.WaitForAsync(NodeEventKind.InstanceExited, "v2talker");
        Assert.False(File.Exists(Path.Combine(NetworkIsolator.NamespaceDirectory, network.Namespace)));
        Assert.False(Directory.Exists("/sys/class/net/" + network.HostInterface));
    }

    private static string NetNamespaceOf(int pid) => new FileInfo($"/proc/{pid}/ns/net").LinkTarget ?? "";

    /// <summary>
    /// The v2 driver on a fixture tree, with the two things the kernel would do: a new group gets its interface
    /// files, and a running process is in a group when its pid is in the group's <c>cgroup.procs</c> (which the launch
    /// prologue writes, as on a real hierarchy); removing a group removes its files. Everything else is the driver's own code.
    /// </summary>
    private sealed class FixtureKernel(CgroupV2Driver inner, V2FixtureTree tree) : ICgroupDriver
    {
        public string Mode => inner.Mode;
        public CgroupMode CgroupMode => inner.CgroupMode;
        public string Parent => inner.Parent;

        public void Create(string name)
        {
            inner.Create(name);
            tree.PopulateGroup(Path.Combine(Parent, name));
        }

        public bool Exists(string name) => inner.Exists(name);
        public IReadOnlyList<string> ListGroups() => inner.ListGroups();
        public LaunchPlacement PlacementFor(string name, InstanceLimits limits) => inner.PlacementFor(name, limits);
        public void Attach(string name, int pid) => inner.Attach(name, pid);
        public bool Contains(string name, int pid) => ReadPids(name).Contains(pid);
        public IReadOnlyList<string> ApplyLimits(string name, InstanceLimits limits) => inner.ApplyLimits(name, limits);
        public CgroupStats? ReadStats(string name) => inner.ReadStats(name);
        public IReadOnlyList<int> ReadPids(string name) => [.. inner.ReadPids(name).Where(InstanceLauncher.IsRunning)];

        public void Remove(string name)
        {
            var dir = tree.PathOf(Parent, name);
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
