using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Agent.Tests.Publishing;

/// <summary>Builds the real agent host (real /proc samplers) pointed at a test broker and a temp spool.</summary>
internal static class AgentHostBuilder
{
    public const string NodeId = "test-node";
    public const string ClientId = "agent-" + NodeId;

    public static IHost Build(string brokerUrl, string spoolDirectory, ErrorLog errors, Action<IServiceCollection>? configure = null, Dictionary<string, string?>? extra = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        var settings = new Dictionary<string, string?>
        {
            ["Agent:NodeId"] = NodeId,
            ["Agent:Mqtt:BrokerUrl"] = brokerUrl,
            ["Agent:Mqtt:ReconnectMaxDelay"] = "00:00:00.500",
            ["Agent:SampleInterval"] = "00:00:00.200",
            ["Agent:SpoolDirectory"] = spoolDirectory,
            ["Agent:DotnetCounters:Enabled"] = "false",
            ["Agent:Labels:zone"] = "lab",
            ["Agent:Pricing:Tier"] = "Spot",
            ["Agent:Pricing:CostPerCoreHour"] = "0.04",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(errors);
        builder.Services.AddEdgeAgent(builder.Configuration);
        configure?.Invoke(builder.Services);
        return builder.Build();
    }
}
