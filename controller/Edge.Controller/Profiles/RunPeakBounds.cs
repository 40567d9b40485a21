using System.Globalization;
using Edge.Common.Contracts;
using Edge.Controller.Nodes;

namespace Edge.Controller.Profiles;

/// <summary>
/// Bounds what a node reports about a finished run before it reaches the ledger (and so the forecaster): memory
/// cannot exceed the instance's memory limit (its cgroup) by more than <see cref="NodeReportOptions.MemorySlack"/>,
/// CPU cannot exceed its CPU limit by more than <see cref="NodeReportOptions.CpuSlack"/> (usage is measured over an
/// interval, a quota is enforced per period), neither can exceed the node's accepted capacity times the same slack,
/// and the run cannot have lasted longer than its allocation has existed. A run whose limits were changed while it
/// ran (resized) is bounded by the node's capacity only, since its peak may predate the current limit.
/// </summary>
internal static class RunPeakBounds
{
    public static (RunRecord Record, string? Clamped) Clamp(RunRecord run, Allocation allocation, ResourceQuantity? capacity, NodeReportOptions bounds)
    {
        var resized = run.Adjustments > 0;
        var memoryMax = Max(resized ? 0 : (allocation.Limits ?? allocation.Resources).MemoryMiB, capacity?.MemoryMiB ?? 0, bounds.MaxMemoryMiB) * bounds.MemorySlack;
        var cpuMax = Max(resized ? 0 : (allocation.Limits ?? allocation.Resources).CpuMillicores / 1000, (capacity?.CpuMillicores ?? 0) / 1000, bounds.MaxCpuCores) * bounds.CpuSlack;
        // A sample is the bytes of one interval, so a token bucket's burst may show above the cap: CPU's slack applies.
        var networkMax = Max(resized ? 0 : (allocation.Limits ?? allocation.Resources).NetworkMbps ?? 0, capacity?.NetworkMbps ?? 0, bounds.MaxNetworkMbps) * bounds.CpuSlack;
        var durationMax = allocation.CreatedAtMs > 0
            ? (Math.Max(0, run.EndedAtMs - allocation.CreatedAtMs) + bounds.MaxClockSkew.TotalMilliseconds) / 1000
            : double.MaxValue;

        var duration = Math.Min(run.DurationSeconds, durationMax);
        var clamped = run with
        {
            DurationSeconds = duration,
            StartedAtMs = run.EndedAtMs - (long)(duration * 1000),
            PeakMemoryMiB = Math.Min(run.PeakMemoryMiB, memoryMax),
            PeakCpuCores = Math.Min(run.PeakCpuCores, cpuMax),
            PeakNetworkMbps = Math.Min(run.PeakNetworkMbps, networkMax),
            MeanCpuCores = Math.Min(run.MeanCpuCores, cpuMax),
            CpuSeconds = Math.Min(run.CpuSeconds, cpuMax * duration),
            ThrottledSeconds = Math.Min(run.ThrottledSeconds, duration),
        };

        if (clamped == run)
        {
            return (run, null);
        }

        var what = new List<string>();
        Note(what, "peak memory MiB", run.PeakMemoryMiB, clamped.PeakMemoryMiB);
        Note(what, "peak CPU cores", run.PeakCpuCores, clamped.PeakCpuCores);
        Note(what, "peak network Mbps", run.PeakNetworkMbps, clamped.PeakNetworkMbps);
        Note(what, "mean CPU cores", run.MeanCpuCores, clamped.MeanCpuCores);
        Note(what, "CPU seconds", run.CpuSeconds, clamped.CpuSeconds);
        Note(what, "duration s", run.DurationSeconds, clamped.DurationSeconds);
        Note(what, "throttled s", run.ThrottledSeconds, clamped.ThrottledSeconds);
        return (clamped, $"run of instance '{run.InstanceId}' ({run.ComponentId}) clamped: {string.Join(", ", what)}");
    }

    /// <summary>The tightest known bound: the limit when there is one, else the node's capacity, else the absolute bound.</summary>
    private static double Max(double limit, double capacity, double absolute)
    {
        var bound = absolute;
        if (capacity > 0)
        {
            bound = Math.Min(bound, capacity);
        }

        return limit > 0 ? Math.Min(bound, limit) : bound;
    }

    private static void Note(List<string> what, string name, double reported, double kept)
    {
        if (reported != kept)
        {
            what.Add($"{name} {reported.ToString("G6", CultureInfo.InvariantCulture)} -> {kept.ToString("G6", CultureInfo.InvariantCulture)}");
        }
    }
}
