using Edge.Controller.Options;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Operations;

/// <summary>Registers cordon/drain (<see cref="NodeOperations"/>, persisted in the state store) and output reading (<see cref="OutputRequests"/>).</summary>
internal static class OperationsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="OperationsOptions"/> from <c>Controller</c> (<c>Controller:OutputRequestTimeout</c>, 10 s by
    /// default, at most 5 minutes) and adds the hosted <see cref="OperationsService"/>; register it before the MQTT
    /// connection's hosted service so that persisted cordons apply before any node status is read.
    /// </summary>
    public static IServiceCollection AddEdgeOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OperationsOptions>().Bind(configuration.GetSection(ControllerOptions.SectionName))
            .Validate(o => o.OutputRequestTimeout > TimeSpan.Zero && o.OutputRequestTimeout <= TimeSpan.FromMinutes(5),
                $"{ControllerOptions.SectionName}:OutputRequestTimeout must be more than 0 and at most 00:05:00")
            .ValidateOnStart();
        // The operator contract's types, for the HTTP JSON options (OpenAPI schemas, Produces<T>) as well.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(Common.Api.OperatorJsonContext.Default));
        // In the state store (State/): created, and loaded, when first needed, which in a cluster is on winning the lead.
        services.AddSingleton(sp => new NodeSchedulingStore(
            sp.GetRequiredService<State.IStateStore>(),
            sp.GetRequiredService<IOptions<ControllerOptions>>().Value.DataDirectory,
            sp.GetRequiredService<ILogger<NodeSchedulingStore>>(),
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<NodeOperations>();
        services.AddSingleton<OutputRequests>();
        services.AddHostedService<OperationsService>();
        return services;
    }
}
