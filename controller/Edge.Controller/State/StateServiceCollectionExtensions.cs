using Edge.Controller.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Edge.Controller.State;

/// <summary>Registers the state store (<c>Controller:State</c>) and the stores kept in it.</summary>
internal static class StateServiceCollectionExtensions
{
    public static IServiceCollection AddEdgeState(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StateOptions>().Bind(configuration.GetSection(StateOptions.SectionName)).ValidateOnStart();
        var cluster = configuration.GetSection(Leadership.ClusterOptions.SectionName).Get<Leadership.ClusterOptions>() ?? new Leadership.ClusterOptions();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StateOptions>>(new StateOptionsValidator(cluster.Enabled)));
        services.TryAddSingleton(sp => new StateMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton<IStateStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StateOptions>>().Value;
            if (options.EffectiveBackend(cluster.Enabled) == StateBackend.Etcd)
            {
                // Fenced on this controller's leader key: a deposed leader's writes are refused by etcd.
                return new EtcdStateStore(
                    sp.GetRequiredService<IOptions<Leadership.ClusterOptions>>().Value,
                    sp.GetRequiredService<Leadership.EtcdLeadership>(),
                    options.EtcdMaxTxnOps,
                    options.EtcdMaxRequestBytes,
                    options.EtcdTimeout,
                    sp.GetRequiredService<StateMetrics>(),
                    sp.GetRequiredService<ILogger<EtcdStateStore>>());
            }

            var data = sp.GetRequiredService<IOptions<ControllerOptions>>().Value.DataDirectory;
            var store = new SqliteStateStore(
                Path.Combine(data, options.Path),
                options.Synchronous,
                options.BusyTimeout,
                sp.GetRequiredService<StateMetrics>(),
                sp.GetRequiredService<ILogger<SqliteStateStore>>());
            return store;
        });
        services.TryAddSingleton(sp => new WorkflowRunStore(
            sp.GetRequiredService<IStateStore>(),
            Path.Combine(sp.GetRequiredService<IOptions<ControllerOptions>>().Value.DataDirectory, "workflows"),
            sp.GetRequiredService<ILogger<WorkflowRunStore>>()));
        services.TryAddSingleton(sp => new TaskSizerStore(sp.GetRequiredService<IStateStore>(), sp.GetRequiredService<ILogger<TaskSizerStore>>()));
        return services;
    }
}
