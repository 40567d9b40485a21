using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Controller.Tests.Placement;

/// <summary>A broker with fake profiles, recording publishers and a fake clock.</summary>
internal sealed class AllocatorHarness
{
    public AllocatorHarness(PlacementOptions? options = null, IAllocationStore? store = null, FakeTimeProvider? time = null)
    {
        Options = options ?? new PlacementOptions();
        Store = store ?? new InMemoryAllocationStore();
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Broker = Create();
    }

    public PlacementOptions Options { get; }
    public IAllocationStore Store { get; }
    public FakeTimeProvider Time { get; }
    public FakeProfileSource Profiles { get; } = new();
    public RecordingPublisher Publisher { get; } = new();

    /// <summary>Nodes' reported load (none until a test sets it).</summary>
    public FakeNodeLoad Load { get; } = new();
    public Allocator Broker { get; private set; }

    /// <summary>What the broker may start: the system's own binaries the tests name (the product default allows only the bundled workload).</summary>
    public LaunchPolicy Launch { get; set; } = new(["/bin/*", "/usr/bin/*"], EnvironmentPolicy.Default);

    /// <summary>A new broker over the same store, as after a controller restart.</summary>
    public Allocator Restart(IAllocationStore? store = null) => Broker = Create(store);

    public static NodeStatus Node(string id, double cpu = 4000, double memory = 8192, PricingTier tier = PricingTier.OnDemand, double corePrice = 0.04, double gibPrice = 0.005, bool online = true, IReadOnlyDictionary<string, string>? labels = null) => new()
    {
        NodeId = id,
        Online = online,
        TimestampMs = 0,
        Capacity = new ResourceQuantity(cpu, memory),
        Pricing = new NodePricing(tier, corePrice, gibPrice),
        Labels = labels ?? new Dictionary<string, string>(),
        Provider = tier == PricingTier.Spot ? "cloud-spot" : "cloud",
    };

    public async Task AddNodesAsync(params NodeStatus[] nodes)
    {
        foreach (var node in nodes)
        {
            await Broker.OnNodeStatusAsync(node, TestContext.Current.CancellationToken);
        }
    }

    public Task<AllocationOutcome> AllocateAsync(string component, string? run = null, int priority = 0, double? timeoutSeconds = null, IReadOnlyDictionary<string, string>? labels = null, bool antiAffinity = false, string? executable = null, IReadOnlyDictionary<string, string>? hints = null) =>
        Broker.AllocateAsync(new AllocationRequest
        {
            ComponentId = component,
            WorkflowRunId = run,
            Priority = priority,
            QueueTimeoutSeconds = timeoutSeconds,
            RequiredLabels = labels,
            AntiAffinity = antiAffinity,
            Executable = executable,
            Hints = hints,
        }, TestContext.Current.CancellationToken);

    private Allocator Create(IAllocationStore? store = null) => new(
        Microsoft.Extensions.Options.Options.Create(Options),
        Profiles,
        Publisher,
        Publisher,
        store ?? Store,
        Time,
        NullLogger<Allocator>.Instance,
        new AllocatorMetrics(),
        Launch,
        Load);
}

/// <summary>A settable <see cref="INodeLoad"/>.</summary>
internal sealed class FakeNodeLoad : INodeLoad
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, NodeLoad> _loads = new(StringComparer.Ordinal);

    public void Set(string nodeId, double cpuCores, double memoryUsedMiB, long timestampMs) => _loads[nodeId] = new NodeLoad(cpuCores, memoryUsedMiB, timestampMs);

    public NodeLoad? Load(string nodeId) => _loads.TryGetValue(nodeId, out var load) ? load : null;
}
