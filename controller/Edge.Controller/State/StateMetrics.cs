using System.Diagnostics.Metrics;

namespace Edge.Controller.State;

/// <summary>The state store's counters (meter <c>Edge.Controller.State</c>).</summary>
internal sealed class StateMetrics
{
    public StateMetrics(IMeterFactory? meters = null)
    {
        var meter = meters?.Create("Edge.Controller.State") ?? new Meter("Edge.Controller.State");
        Commits = meter.CreateCounter<long>("edge.state.commits", description: "Transactions the state store made durable");
        Failures = meter.CreateCounter<long>("edge.state.write_failures", description: "Transactions the state store refused (full disk, I/O error); nothing of them was applied");
    }

    public Counter<long> Commits { get; }

    public Counter<long> Failures { get; }
}
