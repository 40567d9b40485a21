using System.Diagnostics.Metrics;

namespace Edge.Models.Traces;

/// <summary>Counters of bad trace input, readable by any System.Diagnostics.Metrics exporter.</summary>
internal static class TraceMetrics
{
    private static readonly Meter Meter = new("Edge.Models.Traces");

    public static Counter<long> BadLines { get; } = Meter.CreateCounter<long>("edge.traces.bad_lines", description: "Trace lines skipped as malformed");

    public static Counter<long> BadFiles { get; } = Meter.CreateCounter<long>("edge.traces.bad_files", description: "Trace files skipped as unreadable");
}
