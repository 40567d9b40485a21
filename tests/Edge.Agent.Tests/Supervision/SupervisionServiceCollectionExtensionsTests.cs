using Edge.Agent.Cgroups;
using Edge.Agent.Publishing;
using Edge.Agent.Sampling;
using Edge.Agent.Supervision;
using Edge.Common.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Edge.Agent.Tests.Supervision;

public sealed class SupervisionServiceCollectionExtensionsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-di-").FullName;

    [Fact]
    public async Task AddEdgeSupervision_RlimitMode_ResolvesEverySeam()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:NodeId"] = "node-7",
            ["Supervisor:Enforcement"] = "rlimit",
            ["Supervisor:StateDirectory"] = _dir,
            ["Supervisor:AllowedExecutables:0"] = "/usr/bin/",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<INodeEventSink, RecordingEventSink>();

        services.AddEdgeSupervision(configuration);
        await using var provider = services.BuildServiceProvider();

        var supervisor = Assert.IsType<Supervisor>(provider.GetRequiredService<ICommandHandler>());
        Assert.Equal("node-7", supervisor.NodeId);
        Assert.Equal(EnforcementModes.Rlimit, provider.GetRequiredService<IEnforcementInfo>().Mode);
        var sources = provider.GetServices<IMetricSource>().ToList();
        Assert.Contains(sources, s => s is Supervisor);
        Assert.Contains(sources, s => s is CgroupScanner);
        Assert.Equal(["/usr/bin/"], provider.GetRequiredService<SupervisorOptions>().AllowedExecutables);
    }

    [Fact]
    public async Task AddEdgeSupervision_InvalidSection_FailsValidationNamingTheKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Supervisor:Enforcement"] = "magic",
            ["Supervisor:StateDirectory"] = _dir,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<INodeEventSink, RecordingEventSink>();
        services.AddEdgeSupervision(configuration);
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<SupervisorOptions>());
        Assert.Contains("Supervisor:Enforcement 'magic'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Agent:Capacity:CpuMillicores", "Agent:Capacity:MemoryMiB")]
    [InlineData("Supervisor:CapacityMillicores", "Supervisor:CapacityMemoryMiB")]
    public async Task AgentWithSupervision_ConfiguredCapacity_StatusAdvertisesWhatAdmissionEnforces(string cpuKey, string memoryKey)
    {
        await using var provider = BuildAgent(new()
        {
            [cpuKey] = "1500",
            [memoryKey] = "512",
        });
        var sink = provider.GetRequiredService<RecordingEventSink>();
        var supervisor = provider.GetRequiredService<Supervisor>();

        var status = provider.GetRequiredService<NodeStatusFactory>().Create(online: true);
        await supervisor.HandleAsync(Start("too-much-cpu", new InstanceLimits(1501, 64)), TestContext.Current.CancellationToken);
        await supervisor.HandleAsync(Start("too-much-memory", new InstanceLimits(100, 513)), TestContext.Current.CancellationToken);

        Assert.Equal(1500, status.Capacity.CpuMillicores);
        Assert.Equal(512, status.Capacity.MemoryMiB);
        Assert.Same(provider.GetRequiredService<NodeCapacity>(), provider.GetRequiredService<NodeCapacity>());
        var reasons = sink.Events.Where(e => e.Kind == NodeEventKind.CommandRejected).Select(e => e.Reason).ToList();
        Assert.Contains("cpu 1501 millicores is above the node capacity of 1500", reasons);
        Assert.Contains("memory 513 MiB is above the node capacity of 512 MiB", reasons);
    }

    [Fact]
    public async Task AgentWithSupervision_NodeIdFromAgentSection_IsTheSupervisorsAndTheStatusNodeId()
    {
        await using var provider = BuildAgent([]);

        Assert.Equal("node-7", provider.GetRequiredService<Supervisor>().NodeId);
        Assert.Equal("node-7", provider.GetRequiredService<NodeStatusFactory>().Create(online: true).NodeId);
    }

    [Fact]
    public async Task AgentWithSupervision_ProcessLimitFallback_StatusReportsTheEnforcementMode()
    {
        await using var provider = BuildAgent([]);

        var status = provider.GetRequiredService<NodeStatusFactory>().Create(online: true);

        Assert.Equal(EnforcementModes.Rlimit, status.EnforcementMode);
        Assert.Equal(provider.GetRequiredService<ICgroupDriver>().Mode, status.EnforcementMode);
    }

    [Fact]
    public async Task AgentWithSupervision_DeprecatedSupervisorNodeIdDiffers_FailsValidationNamingBothKeys()
    {
        await using var provider = BuildAgent(new() { ["Supervisor:NodeId"] = "other" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<SupervisorOptions>());
        Assert.Contains("Supervisor:NodeId 'other' differs from Agent:NodeId 'node-7'", error.Message, StringComparison.Ordinal);
    }

    private ServiceProvider BuildAgent(Dictionary<string, string?> extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Agent:NodeId"] = "node-7",
            ["Agent:SpoolDirectory"] = Path.Combine(_dir, "spool"),
            ["Supervisor:Enforcement"] = "rlimit",
            ["Supervisor:StateDirectory"] = _dir,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddEdgeAgent(configuration);
        services.AddEdgeSupervision(configuration);
        services.AddSingleton<RecordingEventSink>();
        services.AddSingleton<INodeEventSink>(sp => sp.GetRequiredService<RecordingEventSink>());
        return services.BuildServiceProvider();
    }

    private static NodeCommand Start(string instanceId, InstanceLimits limits) => new()
    {
        CommandId = "cmd-" + instanceId,
        NodeId = "node-7",
        Kind = CommandKind.Start,
        IssuedAtMs = 0,
        Start = new StartSpec { InstanceId = instanceId, ComponentId = "test/cap", Executable = SupervisorOptions.BundledWorkload, Limits = limits },
    };

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
