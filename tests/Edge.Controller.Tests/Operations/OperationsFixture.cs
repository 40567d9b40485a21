using Edge.Controller.Nodes;
using Edge.Controller.Operations;
using Edge.Controller.Tests.Broker;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Controller.Tests.Operations;

/// <summary>A real broker (fake profiles and clock, recording publisher) with node operations persisted in a temp directory.</summary>
internal sealed class OperationsFixture : IDisposable
{
    private readonly Edge.Controller.Tests.Broker.TempDirectory _dir = new();

    public OperationsFixture()
    {
        Broker.Profiles.Add("svc", cpu: 1000, memory: 1024);
        Operations = NewOperations();
    }

    public BrokerHarness Broker { get; } = new();
    public NodeRegistry Registry { get; } = new();
    public string DataDirectory => _dir.Path;
    public NodeOperations Operations { get; private set; }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>As after a controller restart: a new broker over the same allocation store, and new operations over the same file.</summary>
    public async Task<NodeOperations> RestartAsync(params string[] nodes)
    {
        Broker.Restart();
        Operations = NewOperations();
        await Operations.RestoreAsync(Ct);
        foreach (var node in nodes)
        {
            await Broker.AddNodesAsync(BrokerHarness.Node(node));
        }

        return Operations;
    }

    public Task<AllocationOutcome> AllocateAsync(bool migratable = true, string component = "svc") =>
        Broker.Broker.AllocateAsync(new AllocationRequest { ComponentId = component, Executable = "/bin/sleep", Args = ["600"], Migratable = migratable }, Ct);

    public void Dispose() => _dir.Dispose();

    private NodeOperations NewOperations() =>
        new(Broker.Broker, Registry, new NodeSchedulingStore(_dir.Path), Broker.Time, NullLogger<NodeOperations>.Instance);
}
