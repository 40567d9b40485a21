using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Broker;

/// <summary>Registers the broker. The host must also register <see cref="IProfileSource"/>, <see cref="ICommandPublisher"/> and <see cref="IDecisionPublisher"/>.</summary>
internal static class BrokerServiceCollectionExtensions
{
    public static IServiceCollection AddEdgeBroker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BrokerOptions>().Bind(configuration.GetSection(BrokerOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BrokerOptions>, BrokerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton(sp => new BrokerMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton<IAllocationStore>(sp =>
        {
            // The controller's state store when registered (State.AddEdgeState); else one of the broker's own in
            // StoreDirectory; else memory only. StoreDirectory is also where an earlier version's journal is imported from.
            var options = sp.GetRequiredService<IOptions<BrokerOptions>>().Value;
            var logger = sp.GetRequiredService<ILogger<State.StateAllocationStore>>();
            if (sp.GetService<State.IStateStore>() is { } state)
            {
                return new State.StateAllocationStore(state, options.StoreDirectory, logger);
            }

            return options.StoreDirectory is { } directory
                ? new State.StateAllocationStore(new State.SqliteStateStore(Path.Combine(directory, "state.db"), logger: logger), directory, logger, ownsState: true)
                : new InMemoryAllocationStore();
        });
        services.TryAddSingleton<ResourceBroker>();
        services.AddHostedService<BrokerQueueService>();
        return services;
    }
}
