using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Edge.Controller.Nodes;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Profiles;

/// <summary>
/// Turns node events into <see cref="RunRecord"/>s for every instance the broker placed (workflow steps and direct
/// allocations alike). Runs in the control loop before the broker releases the allocation, so the profile the
/// instance was placed with is still known; an OOM-killed instance's allocation is remembered at the OOM event,
/// because the broker releases it there. What the node reports about the run is bounded by <see cref="RunPeakBounds"/>
/// before it reaches the ledger.
/// </summary>
internal sealed class FeedbackRecorder(Allocator broker, InstanceUsageTracker usage, FeedbackLedger ledger, NodeRegistry nodes, IOptions<NodeReportOptions> bounds)
{
    private readonly Dictionary<string, Allocation> _oomKilled = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _adjustments = new(StringComparer.Ordinal);

    /// <summary>Records the run an exit event ends; returns what was clamped (naming the reported values), or null.</summary>
    public string? OnEvent(NodeEvent e)
    {
        if (e.InstanceId is not { } id)
        {
            return null;
        }

        switch (e.Kind)
        {
            case NodeEventKind.InstanceResized when broker.FindAllocation(id) is { } resized && resized.NodeId == e.NodeId:
                _adjustments[id] = _adjustments.GetValueOrDefault(id) + 1;
                break;
            case NodeEventKind.InstanceOomKilled when broker.FindAllocation(id) is { } allocation && allocation.NodeId == e.NodeId:
                _oomKilled[id] = allocation;
                break;
            case NodeEventKind.InstanceExited:
                var oom = _oomKilled.Remove(id, out var killed);
                var placed = broker.FindAllocation(id) is { } current && current.NodeId == e.NodeId ? current : killed;
                if (placed is null || placed.NodeId != e.NodeId)
                {
                    return null; // not ours, or the old copy of a migrated instance
                }

                var capacity = nodes.TryGet(e.NodeId, out var node) ? node?.Status?.Capacity : null;
                var (record, clamped) = RunPeakBounds.Clamp(Build(e, placed, oom && e.ExitCode != 0), placed, capacity, bounds.Value);
                ledger.Record(record);
                _adjustments.Remove(id);
                return clamped;
        }

        return null;
    }

    private RunRecord Build(NodeEvent e, Allocation allocation, bool oomKilled)
    {
        var values = e.Values ?? new Dictionary<string, double>();
        var duration = values.GetValueOrDefault("duration_s");
        var cpuSeconds = values.GetValueOrDefault("cpu_seconds");
        var seen = usage.Take(allocation.AllocationId);
        var peakMemory = Math.Max(values.GetValueOrDefault("peak_memory_mib"), seen?.PeakMemoryMiB ?? 0);
        var meanCpu = duration > 0 ? cpuSeconds / duration : seen?.MeanCpuCores ?? 0;
        var hints = allocation.Request.Hints;
        return new RunRecord
        {
            ComponentId = allocation.ComponentId,
            InstanceId = allocation.AllocationId,
            WorkflowRunId = allocation.WorkflowRunId,
            WorkflowId = ProfileHints.Text(hints, ProfileHints.Workflow),
            StepId = ProfileHints.Text(hints, ProfileHints.Step),
            Command = ProfileHints.Text(hints, ProfileHints.Command) ?? allocation.Request.Executable,
            InputSizeBytes = ProfileHints.Number(hints, ProfileHints.InputSizeBytes),
            NodeId = e.NodeId,
            StartedAtMs = e.TimestampMs - (long)(duration * 1000),
            EndedAtMs = e.TimestampMs,
            Outcome = oomKilled ? RunOutcomes.OomKilled : e.ExitCode == 0 ? RunOutcomes.Succeeded : RunOutcomes.Failed,
            ExitCode = e.ExitCode,
            DurationSeconds = duration,
            CpuSeconds = cpuSeconds,
            // Short runs may end before the first sample: their mean is the best peak there is.
            PeakCpuCores = Math.Max(seen?.PeakCpuCores ?? 0, meanCpu),
            MeanCpuCores = meanCpu,
            PeakMemoryMiB = peakMemory,
            PeakNetworkMbps = seen?.PeakNetworkMbps ?? 0,
            ThrottledSeconds = seen?.ThrottledSeconds ?? 0,
            Predicted = allocation.Profile,
            FinalLimits = allocation.Resources,
            Adjustments = _adjustments.GetValueOrDefault(allocation.AllocationId),
        };
    }
}
