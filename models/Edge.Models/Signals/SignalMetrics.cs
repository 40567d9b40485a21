using System.Diagnostics.Metrics;

namespace Edge.Models.Signals;

/// <summary>Counters of the <c>Edge.Models.Signals</c> meter.</summary>
internal static class SignalMetrics
{
    private static readonly Meter Meter = new("Edge.Models.Signals");

    /// <summary>Announcements a state refused because they were invalid (<see cref="WorkSignal.Validate"/>).</summary>
    public static readonly Counter<long> Rejected = Meter.CreateCounter<long>("edge.signals.rejected");
}
