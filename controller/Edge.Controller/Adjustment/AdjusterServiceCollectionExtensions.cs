using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Adjustment;

/// <summary>
/// Registers the adjuster (<see cref="AdjusterService"/>, its options from <c>Controller:Adjuster</c> validated at
/// start, and its counters). Needs the broker (<c>AddEdgeAllocator</c>); the host feeds it with
/// <see cref="AdjusterService.ObserveBatchAsync"/> for every agent metric batch.
/// </summary>
internal static class AdjusterServiceCollectionExtensions
{
    public static IServiceCollection AddEdgeAdjuster(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdjusterOptions>().Bind(configuration.GetSection(AdjusterOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdjusterOptions>, AdjusterOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton(sp => new AdjusterMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton<AdjusterService>();
        return services;
    }
}
