using Edge.Agent.Cgroups;
using Edge.Agent.Publishing;
using Edge.Agent.Sampling;
using Edge.Agent.Supervision;
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

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
