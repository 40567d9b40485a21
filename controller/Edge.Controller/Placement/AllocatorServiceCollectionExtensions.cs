using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Placement;

/// <summary>Registers the broker. The host must also register <see cref="IProfileSource"/>, <see cref="ICommandPublisher"/> and <see cref="IDecisionPublisher"/>.</summary>
internal static class AllocatorServiceCollectionExtensions
{
    public static IServiceCollection AddEdgeAllocator(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PlacementOptions>().Bind(configuration.GetSection(PlacementOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PlacementOptions>, PlacementOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton(sp => new AllocatorMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton<IAllocationStore>(sp =>
        {
            // The controller's state store when registered (State.AddEdgeState); else one of the broker's own in
            // StoreDirectory; else memory only. StoreDirectory is also where an earlier version's journal is imported from.
            var options = sp.GetRequiredService<IOptions<PlacementOptions>>().Value;
            var logger = sp.GetRequiredService<ILogger<State.StateAllocationStore>>();
            if (sp.GetService<State.IStateStore>() is { } state)
            {
                return new State.StateAllocationStore(state, options.StoreDirectory, logger);
            }

            return options.StoreDirectory is { } directory
                ? new State.StateAllocationStore(new State.SqliteStateStore(Path.Combine(directory, "state.db"), logger: logger), directory, logger, ownsState: true)
                : new InMemoryAllocationStore();
        });
        services.TryAddSingleton<Allocator>();
        services.AddHostedService<AllocationQueueService>();
        return services;
    }
}
