using Edge.Controller.Adjustment;
using Edge.Controller.Placement;
using Edge.Controller.Tests.Placement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Tests.Adjustment;

public sealed class AdjusterServiceCollectionExtensionsTests
{
    [Fact]
    public void AddEdgeAdjuster_ConfiguredSection_BindsOptionsAndResolvesTheService()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["Controller:Adjuster:Enabled"] = "false",
            ["Controller:Adjuster:UpThreshold"] = "0.8",
            ["Controller:Adjuster:Cooldown"] = "00:00:30",
        });

        var options = provider.GetRequiredService<IOptions<AdjusterOptions>>().Value;

        Assert.False(options.Enabled);
        Assert.Equal(0.8, options.UpThreshold);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Cooldown);
        Assert.NotNull(provider.GetRequiredService<AdjusterService>());
    }

    [Fact]
    public void AddEdgeAdjuster_BadValues_ReportsEveryKeyWithItsValue()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["Controller:Adjuster:UpThreshold"] = "0.5",
            ["Controller:Adjuster:DownThreshold"] = "0.6",
            ["Controller:Adjuster:UpAfter"] = "00:00:00",
            ["Controller:Adjuster:MaxMargin"] = "5",
            ["Controller:Adjuster:Cooldown"] = "-00:00:01",
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AdjusterOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("Controller:Adjuster:DownThreshold 0.6", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Controller:Adjuster:UpAfter 00:00:00", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Controller:Adjuster:MaxMargin 5", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Controller:Adjuster:Cooldown -00:00:01", StringComparison.Ordinal));
        Assert.Equal(4, error.Failures.Count());
    }

    [Fact]
    public void Collect_MemoryTailSettings_AreChecked()
    {
        var errors = AdjusterOptionsValidator.Collect(new AdjusterOptions { MemoryTailMinRuns = 0, MemoryTailRuns = -1, MemoryTailPriorRuns = 0 });

        Assert.Contains(errors, e => e.Contains("MemoryTailMinRuns 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("MemoryTailRuns -1", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("MemoryTailPriorRuns 0", StringComparison.Ordinal));
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void Collect_Defaults_AreValid() => Assert.Empty(AdjusterOptionsValidator.Collect(new AdjusterOptions()));

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
        services.AddEdgeAdjuster(configuration);
        return services.BuildServiceProvider();
    }
}
