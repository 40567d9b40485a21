using Edge.Integration.Tests.Harness;

namespace Edge.Integration.Tests.Cluster;

/// <summary>
/// One <see cref="ControllerCluster"/> (3-member etcd, mosquitto, three controllers, two agents in network-namespace
/// hosts) shared by the failover scenarios of <see cref="FailoverTests"/>, which run one after another. Each scenario
/// gets it back whole: a controller that was killed or exited is started again, an etcd member that was killed too.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public static readonly string[] Nodes = ["ha-a", "ha-b"];
    private ControllerCluster? _cluster;

    internal async Task<ControllerCluster> ClusterAsync()
    {
        Assert.SkipUnless(ControllerCluster.IsSupported, "needs root (network namespaces), iproute2, nsenter, mosquitto and etcd-server (packaging/dev/setup.sh)");
        _cluster ??= await ControllerCluster.StartAsync(
            Nodes,
            new Dictionary<string, string>(EdgeSystem.AgentCapacity(1500))
            {
                // mosquitto notices a silent (partitioned) agent after 1.5 keep-alives.
                ["EDGE_Agent__Mqtt__KeepAlive"] = "00:00:03",
            },
            new Dictionary<string, string> { ["EDGE_Controller__Placement__NodeLossGrace"] = "00:00:02" });
        for (var i = 0; i < _cluster.Etcd.Size; i++)
        {
            if (!_cluster.Etcd.IsRunning(i))
            {
                _cluster.Etcd.StartMember(i);
            }
        }

        await _cluster.Etcd.WaitHealthyAsync();
        foreach (var member in _cluster.Members)
        {
            await _cluster.StartMemberAsync(member);
        }

        return _cluster;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
