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
            var options = sp.GetRequiredService<IOptions<BrokerOptions>>().Value;
            return options.StoreDirectory is { } directory
                ? new JournalAllocationStore(directory, options.JournalCompactionRecords, options.FsyncJournal, sp.GetRequiredService<ILogger<JournalAllocationStore>>())
                : new InMemoryAllocationStore();
        });
        services.TryAddSingleton<ResourceBroker>();
        services.AddHostedService<BrokerQueueService>();
        return services;
    }
}
