using Edge.Controller.Api;

namespace Edge.Controller.Broker;

/// <summary>The broker's JSON context for HTTP answers, with relaxed escaping (<see cref="RelaxedJson"/>).</summary>
internal static class BrokerHttpJson
{
    public static BrokerJsonContext Context { get; } = new(RelaxedJson.From(BrokerJsonContext.Default.Options));
}
