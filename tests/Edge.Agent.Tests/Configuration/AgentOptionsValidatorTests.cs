using Edge.Agent.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Edge.Agent.Tests.Configuration;

public sealed class AgentOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        var result = new AgentOptionsValidator().Validate(null, new AgentOptions { NodeId = "node-1" });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_ManyBadValues_ReportsEveryErrorWithKeyAndValue()
    {
        var options = Bind(new()
        {
            ["Agent:NodeId"] = "bad node",
            ["Agent:TopicPrefix"] = "edge/#",
            ["Agent:Mqtt:BrokerUrl"] = "http://x",
            ["Agent:SampleInterval"] = "00:00:00",
            ["Agent:Pricing:CostPerCoreHour"] = "-1",
            ["Agent:Capacity:MemoryMiB"] = "0",
            ["Agent:SpoolDirectory"] = "relative/dir",
            ["Agent:SpoolMaxBytes"] = "10",
            ["Agent:DotnetCounters:MaxProcesses"] = "-3",
        });

        var result = new AgentOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(9, failures.Count);
        Assert.Contains(failures, f => f.Contains("Agent:NodeId 'bad node'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Agent:TopicPrefix 'edge/#'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Agent:Mqtt:BrokerUrl", StringComparison.Ordinal) && f.Contains("http://x", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Agent:SampleInterval '00:00:00'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Agent:Pricing:CostPerCoreHour '-1'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Agent:Capacity:MemoryMiB '0'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Agent:SpoolDirectory 'relative/dir'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Agent:SpoolMaxBytes '10'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Agent:DotnetCounters:MaxProcesses '-3'", StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_NoNodeId_DefaultsToHostName()
    {
        var options = Bind([]);

        Assert.Equal(Environment.MachineName, options.NodeId);
        Assert.Equal($"agent-{Environment.MachineName}", options.EffectiveClientId);
        Assert.Equal(TimeSpan.FromSeconds(1), options.SampleInterval);
        Assert.Equal(64L * 1024 * 1024, options.SpoolMaxBytes);
        Assert.True(options.DotnetCounters.Enabled);
    }

    [Fact]
    public void Bind_LabelsPricingCapacity_AreRead()
    {
        var options = Bind(new()
        {
            ["Agent:Labels:zone"] = "lab",
            ["Agent:Pricing:Tier"] = "Spot",
            ["Agent:Pricing:CostPerGiBHour"] = "0.25",
            ["Agent:Capacity:CpuMillicores"] = "1500",
            ["Agent:Mqtt:ClientId"] = "custom",
        });

        Assert.Equal("lab", options.Labels["zone"]);
        Assert.Equal(Edge.Common.Contracts.PricingTier.Spot, options.Pricing.Tier);
        Assert.Equal(0.25, options.Pricing.CostPerGiBHour);
        Assert.Equal(1500, options.Capacity.CpuMillicores);
        Assert.Null(options.Capacity.MemoryMiB);
        Assert.Equal("custom", options.EffectiveClientId);
    }

    private static AgentOptions Bind(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddOptions<AgentOptions>().Bind(configuration.GetSection(AgentOptions.SectionName));
        return services.BuildServiceProvider().GetRequiredService<IOptions<AgentOptions>>().Value;
    }
}
