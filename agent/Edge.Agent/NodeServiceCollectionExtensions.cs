using Edge.Agent.Configuration;
using Edge.Agent.Sampling;
using Edge.Agent.Supervision;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Agent;

/// <summary>
/// Registers what both halves of the agent (publisher and supervisor) must agree on: the validated
/// <see cref="AgentOptions"/>, the node's <see cref="AgentIdentity"/> (node id from <c>Agent:NodeId</c> only) and
/// its <see cref="NodeCapacity"/>. Idempotent, so <c>AddEdgeAgent</c> and <c>AddEdgeSupervision</c> may both call it.
/// </summary>
internal static partial class NodeServiceCollectionExtensions
{
    public static IServiceCollection AddEdgeNode(this IServiceCollection services, IConfiguration configuration, ProcPaths? paths = null)
    {
        if (paths is not null)
        {
            services.Replace(ServiceDescriptor.Singleton(paths));
        }

        if (services.Any(d => d.ServiceType == typeof(AgentIdentity)))
        {
            return services;
        }

        services.AddOptions<AgentOptions>().Bind(configuration.GetSection(AgentOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
        services.TryAddSingleton(ProcPaths.Default);
        services.AddSingleton<AgentIdentity>();
        services.AddSingleton(sp =>
        {
            var agent = sp.GetRequiredService<IOptions<AgentOptions>>().Value;
            // Defaults when the host has no supervisor: the deprecated keys then mean nothing.
            var supervisor = sp.GetRequiredService<IOptions<SupervisorOptions>>().Value;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(NodeCapacity).FullName!);
            foreach (var (key, replacement) in NodeCapacity.DeprecatedKeysIn(supervisor))
            {
                LogDeprecatedKey(logger, key, replacement);
            }

            var capacity = NodeCapacity.Resolve(agent.Capacity, supervisor, NodeCapacityProbe.Detect(sp.GetRequiredService<ProcPaths>()));
            LogCapacity(logger, capacity.ToString());
            return capacity;
        });
        return services;
    }
}
