using Edge.Agent.Commands;
using Edge.Agent.Configuration;
using Edge.Agent.Dotnet;
using Edge.Agent.Prometheus;
using Edge.Agent.Publishing;
using Edge.Agent.Sampling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Agent;

/// <summary>Registers the agent's samplers, publisher, spool, command dispatch and hosted services.</summary>
internal static class AgentServiceCollectionExtensions
{
    /// <summary>
    /// Adds the agent core. Hosted services start in this order: connection (and spool drain), .NET counter discovery,
    /// metrics loop; they stop in reverse, so the last batch is sent before the offline status and disconnect.
    /// </summary>
    public static IServiceCollection AddEdgeAgent(this IServiceCollection services, IConfiguration configuration, ProcPaths? paths = null)
    {
        services.AddEdgeNode(configuration, paths);
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AgentMetrics>();
        services.AddSingleton<NodeStatusFactory>();
        services.AddSingleton<NodeEventFactory>();
        services.AddSingleton<AgentLink>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AgentOptions>>().Value;
            return OfflineSpool.Open(options.SpoolDirectory, options.SpoolMaxBytes, sp.GetRequiredService<ILogger<OfflineSpool>>(), sp.GetRequiredService<AgentMetrics>());
        });
        services.AddSingleton<SpooledPublisher>();
        services.AddSingleton<INodeEventSink, SpoolingEventSink>();
        // The highest term seen lives beside the applied-command log, in the supervisor's state directory (the agent's alone).
        services.AddSingleton(sp => new CommandFence(
            sp.GetRequiredService<IOptions<Supervision.SupervisorOptions>>().Value.StateDirectory,
            sp.GetRequiredService<IOptions<AgentOptions>>().Value.Commands.ClockSkew,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<CommandDispatcher>();

        services.AddSingleton<IMetricSource, CpuSampler>();
        services.AddSingleton<IMetricSource, MemorySampler>();
        services.AddSingleton<IMetricSource, NetworkSampler>();
        services.AddSingleton<IMetricSource, PressureSampler>();
        services.AddSingleton<DotnetCounterSource>();
        services.AddSingleton<IMetricSource>(sp => sp.GetRequiredService<DotnetCounterSource>());

        // The /metrics endpoint (Agent:Prometheus:Listen); when it is off, nothing listens, copies or counts.
        services.AddSingleton(sp => new SampleSnapshot(PrometheusOn(sp)));
        services.AddSingleton(sp => new MeterSnapshot(PrometheusOn(sp), sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<PrometheusExposition>();
        services.AddSingleton<PrometheusEndpoint>();
        services.AddHostedService(sp => sp.GetRequiredService<PrometheusEndpoint>());

        services.AddHostedService<AgentConnectionService>();
        services.AddHostedService(sp => sp.GetRequiredService<DotnetCounterSource>());
        services.AddSingleton<MetricsLoop>();
        services.AddHostedService(sp => sp.GetRequiredService<MetricsLoop>());
        // Gives back startup's memory (Native AOT build only, unless Agent:ResidentTrim:Mode says otherwise).
        services.AddSingleton<Footprint.ResidentTrimService>();
        services.AddHostedService(sp => sp.GetRequiredService<Footprint.ResidentTrimService>());
        return services;
    }

    private static bool PrometheusOn(IServiceProvider sp) => !string.IsNullOrEmpty(sp.GetRequiredService<IOptions<AgentOptions>>().Value.Prometheus.Listen);
}
