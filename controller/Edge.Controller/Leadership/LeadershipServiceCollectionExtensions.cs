using Edge.Controller.Placement;
using Edge.Controller.Control;
using Edge.Controller.Operations;
using Edge.Controller.Profiles;
using Edge.Controller.Workflows;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Leadership;

/// <summary>Registers leadership: <see cref="EtcdLeadership"/> when <c>Controller:Cluster:Etcd</c> is set, else the single controller's.</summary>
internal static class LeadershipServiceCollectionExtensions
{
    /// <summary>The hosted services that only the leader runs in cluster mode.</summary>
    public static readonly Type[] LeaderOnly = [typeof(ControlLoop), typeof(AllocationQueueService), typeof(RetrainService), typeof(Forecasters.ForecasterSelectionService), typeof(Forecasters.LstmRetrainService), typeof(OperationsService), typeof(VolumeService)];

    /// <summary>Options and, in cluster mode, the etcd election (started before the other hosted services).</summary>
    public static bool AddEdgeLeadership(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClusterOptions>().Bind(configuration.GetSection(ClusterOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>();
        var cluster = configuration.GetSection(ClusterOptions.SectionName).Get<ClusterOptions>() ?? new ClusterOptions();
        if (!cluster.Enabled)
        {
            return false;
        }

        services.AddSingleton<EtcdLeadership>();
        services.AddSingleton<ILeadership>(sp => sp.GetRequiredService<EtcdLeadership>());
        services.AddSingleton<IClusterView>(sp => sp.GetRequiredService<EtcdLeadership>());
        services.AddHostedService(sp => sp.GetRequiredService<EtcdLeadership>());
        return true;
    }

    /// <summary>
    /// Cluster mode: takes the decision-making hosted services out of the host's list and runs them, in the same
    /// order, under <see cref="LeaderOnlyServices"/>; the volume service, registered through a factory, is added last.
    /// </summary>
    public static void GateOnLeadership(this IServiceCollection services)
    {
        var factories = new List<Func<IServiceProvider, IHostedService>>();
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(IHostedService)).ToList())
        {
            var type = descriptor.ImplementationType;
            if (type is not null && LeaderOnly.Contains(type))
            {
                services.Remove(descriptor);
                factories.Add(sp => (IHostedService)ActivatorUtilities.CreateInstance(sp, type));
            }
        }

        factories.Add(sp => sp.GetRequiredService<VolumeService>());
        services.AddSingleton(sp => new LeaderOnlyServices(
            factories, sp, sp.GetRequiredService<ILeadership>(), sp.GetRequiredService<ControlChannel>(), sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<IOptions<ClusterOptions>>(), sp.GetRequiredService<ILogger<LeaderOnlyServices>>()));
        services.AddHostedService(sp => sp.GetRequiredService<LeaderOnlyServices>());
    }
}
