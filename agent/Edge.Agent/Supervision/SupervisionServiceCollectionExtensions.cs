using Edge.Agent.Cgroups;
using Edge.Agent.Sampling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Agent.Supervision;

/// <summary>Registers the supervisor, its cgroup driver, the cgroup scanner and their hosted service.</summary>
internal static class SupervisionServiceCollectionExtensions
{
    /// <summary>
    /// Binds "Supervisor" (validated at start), chooses the cgroup driver, and registers the supervisor as
    /// <see cref="ICommandHandler"/> and <see cref="IMetricSource"/>, the <see cref="CgroupScanner"/> as
    /// <see cref="IMetricSource"/>, <see cref="IEnforcementInfo"/> for the status publisher, and the lifecycle
    /// service. The node id and capacity come from <see cref="NodeServiceCollectionExtensions.AddEdgeNode"/> (section
    /// <c>Agent</c>), the same ones the status advertises. Needs an <c>INodeEventSink</c> registered by the caller.
    /// </summary>
    public static IServiceCollection AddEdgeSupervision(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SupervisorOptions>().Bind(configuration.GetSection(SupervisorOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SupervisorOptions>, SupervisorOptionsValidator>());
        services.AddEdgeNode(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<SupervisorOptions>>().Value);
        services.AddSingleton<SupervisorMetrics>();

        string? fallbackReason = null;
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<SupervisorOptions>();
            return CgroupDriverFactory.Create(options.Enforcement, options.CgroupParent, CgroupLayout.Detect(), options.CgroupV2Root, LibC.IsRoot, out fallbackReason);
        });
        services.AddSingleton(sp =>
        {
            sp.GetRequiredService<ICgroupDriver>();
            return new CgroupSelection(fallbackReason);
        });
        services.AddSingleton<IEnforcementInfo>(sp => sp.GetRequiredService<ICgroupDriver>());
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<SupervisorOptions>();
            return new Supervisor(options, sp.GetRequiredService<ICgroupDriver>(), sp.GetRequiredService<Publishing.INodeEventSink>(),
                sp.GetRequiredService<NodeCapacity>(), sp.GetRequiredService<AgentIdentity>().NodeId, sp.GetRequiredService<SupervisorMetrics>(),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<Supervisor>>());
        });
        services.AddSingleton<ICommandHandler>(sp => sp.GetRequiredService<Supervisor>());
        services.AddSingleton<IMetricSource>(sp => sp.GetRequiredService<Supervisor>());
        services.AddSingleton<IMetricSource>(sp => new CgroupScanner(sp.GetRequiredService<ICgroupDriver>()));
        services.AddHostedService<SupervisorLifecycle>();
        return services;
    }
}
