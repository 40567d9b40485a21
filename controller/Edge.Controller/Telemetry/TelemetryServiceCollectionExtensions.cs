using Edge.Controller.Control;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Telemetry;

/// <summary>Registers the Prometheus endpoint's parts and its options (section <c>Controller:Metrics</c>).</summary>
internal static class TelemetryServiceCollectionExtensions
{
    public static IServiceCollection AddEdgeTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>().Bind(configuration.GetSection(MetricsOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        services.AddSingleton<MetricsRegistry>();
        services.AddSingleton<MeterBridge>();
        services.AddSingleton<LatestUsage>();
        services.AddSingleton<IMetricObserver>(sp => sp.GetRequiredService<LatestUsage>());
        services.AddSingleton<Placement.INodeLoad>(sp => sp.GetRequiredService<LatestUsage>());
        services.AddSingleton<FleetCollector>();
        return services;
    }
}
