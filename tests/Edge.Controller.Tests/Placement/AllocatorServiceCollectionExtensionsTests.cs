using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Tests.Placement;

public sealed class AllocatorServiceCollectionExtensionsTests
{
    [Fact]
    public void AddEdgeBroker_ConfiguredSection_BindsOptionsAndUsesTheStateStore()
    {
        using var dir = new TempDirectory();
        using var provider = Build(new Dictionary<string, string?>
        {
            ["Controller:Placement:Strategy"] = "BinPack",
            ["Controller:Placement:Contention:0"] = "Queue",
            ["Controller:Placement:Contention:1"] = "Reject",
            ["Controller:Placement:LowerTiers:0"] = "Spot",
            ["Controller:Placement:DefaultQueueTimeout"] = "00:02:00",
            ["Controller:Placement:StoreDirectory"] = dir.Path,
        });

        var options = provider.GetRequiredService<IOptions<PlacementOptions>>().Value;

        Assert.Equal(PlacementStrategy.BinPack, options.Strategy);
        Assert.Equal([ContentionPolicy.Queue, ContentionPolicy.Reject], options.EffectiveContention);
        Assert.Equal([PricingTier.Spot], options.EffectiveLowerTiers);
        Assert.Equal(TimeSpan.FromMinutes(2), options.DefaultQueueTimeout);
        Assert.IsType<Edge.Controller.State.StateAllocationStore>(provider.GetRequiredService<IAllocationStore>());
        Assert.NotNull(provider.GetRequiredService<Allocator>());
        Assert.True(File.Exists(Path.Combine(dir.Path, "state.db")), "the broker's own SQLite state file in StoreDirectory");
    }

    [Fact]
    public void AddEdgeBroker_BadValues_ReportsEveryKey()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["Controller:Placement:MinimumReducedLevel"] = "1.5",
            ["Controller:Placement:MaxQueueLength"] = "-1",
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PlacementOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("Controller:Placement:MinimumReducedLevel 1.5", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Controller:Placement:MaxQueueLength -1", StringComparison.Ordinal));
    }

    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IProfileSource>(new FakeProfileSource());
        services.AddSingleton<RecordingPublisher>();
        services.AddSingleton<ICommandPublisher>(sp => sp.GetRequiredService<RecordingPublisher>());
        services.AddSingleton<IDecisionPublisher>(sp => sp.GetRequiredService<RecordingPublisher>());
        services.AddEdgeAllocator(configuration);
        return services.BuildServiceProvider();
    }
}
