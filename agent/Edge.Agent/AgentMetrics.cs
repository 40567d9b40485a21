using System.Diagnostics.Metrics;

namespace Edge.Agent;

/// <summary>The agent's own counters (meter <c>Edge.Agent</c>), readable by any System.Diagnostics.Metrics exporter.</summary>
internal sealed class AgentMetrics
{
    public const string MeterName = "Edge.Agent";

    public AgentMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        SpoolDropped = meter.CreateCounter<long>("edge.agent.spool.dropped_batches", "{batch}", "Metric batches dropped because the spool was full");
        SpoolCorrupt = meter.CreateCounter<long>("edge.agent.spool.corrupt_records", "{record}", "Damaged spool records skipped");
        SpoolAppended = meter.CreateCounter<long>("edge.agent.spool.appended", "{record}", "Messages written to the spool while the broker was unreachable");
        Published = meter.CreateCounter<long>("edge.agent.published", "{message}", "Messages the broker acknowledged");
        CommandsRejected = meter.CreateCounter<long>("edge.agent.commands.rejected", "{command}", "Commands rejected, by reason");
        CommandsAccepted = meter.CreateCounter<long>("edge.agent.commands.forwarded", "{command}", "Commands forwarded to the supervisor");
        SamplerErrors = meter.CreateCounter<long>("edge.agent.sampler.errors", "{error}", "Metric sources that threw during a tick");
        DotnetSessionErrors = meter.CreateCounter<long>("edge.agent.dotnet.session_errors", "{error}", "EventPipe sessions that could not be opened or failed");
        DotnetSocketsRefused = meter.CreateCounter<long>("edge.agent.dotnet.sockets_refused", "{socket}", "Diagnostics sockets not trusted: symlinks, wrong owner or directory");
        ScrapesServed = meter.CreateCounter<long>("edge.agent.prometheus.scrapes", "{request}", "Requests for /metrics answered");
        ScrapesRefused = meter.CreateCounter<long>("edge.agent.prometheus.refused", "{request}", "Requests to the metrics endpoint refused, by reason");
    }

    public Counter<long> SpoolDropped { get; }
    public Counter<long> SpoolCorrupt { get; }
    public Counter<long> SpoolAppended { get; }
    public Counter<long> Published { get; }
    public Counter<long> CommandsRejected { get; }
    public Counter<long> CommandsAccepted { get; }
    public Counter<long> SamplerErrors { get; }
    public Counter<long> DotnetSessionErrors { get; }
    public Counter<long> DotnetSocketsRefused { get; }
    public Counter<long> ScrapesServed { get; }
    public Counter<long> ScrapesRefused { get; }
}
