using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Edge.Controller.History;
using Edge.Controller.Nodes;
using Edge.Controller.Profiles;
using Edge.Controller.Workflows;

namespace Edge.Controller.Dashboard;

/// <summary>
/// Joins what the dashboard shows in one answer each, where the plain API would need a call per node (usage from
/// the history) or per step (allocation, finished attempts): the fleet, and one run with its steps.
/// </summary>
internal static class DashboardViews
{
    /// <summary>How far back the fleet page looks for a node's latest usage sample.</summary>
    public static readonly TimeSpan UsageWindow = TimeSpan.FromMinutes(1);

    public static DashboardFleet Fleet(NodeRegistry registry, Allocator broker, IHistoryStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var active = broker.GetAllocations().Where(a => a.State == AllocationState.Active).ToList();
        var known = registry.List().ToDictionary(n => n.NodeId, StringComparer.Ordinal);
        var views = broker.GetNodes().ToDictionary(n => n.NodeId, StringComparer.Ordinal);
        var ids = known.Keys.Union(views.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var nodes = new List<DashboardNode>();
        foreach (var id in ids)
        {
            known.TryGetValue(id, out var state);
            views.TryGetValue(id, out var view);
            var placed = active.Where(a => a.NodeId == id).ToList();
            var reserved = new ResourceQuantity(
                placed.Sum(a => a.Resources.CpuMillicores),
                placed.Sum(a => a.Resources.MemoryMiB),
                placed.Sum(a => a.Resources.NetworkMbps ?? 0));
            var status = state?.Status;
            nodes.Add(new DashboardNode(
                id,
                state?.Online ?? view?.Online ?? false,
                view?.Cordoned ?? false,
                state?.LastSeenMs ?? 0,
                status?.AgentVersion ?? "",
                status?.EnforcementMode ?? "",
                status?.Capacity ?? view?.Capacity,
                reserved,
                store.HasNode(id) ? NodeUsage(store, id, now - (long)UsageWindow.TotalMilliseconds, now + 1000, cancellationToken) : null,
                placed.Count,
                status?.Labels ?? new Dictionary<string, string>()));
        }

        return new DashboardFleet(now, nodes, broker.GetQueue().Count);
    }

    public static DashboardRun? Run(string runId, WorkflowService workflows, Allocator broker, FeedbackLedger ledger, InstanceUsageTracker usage)
    {
        if (workflows.Describe(runId) is not { } described)
        {
            return null;
        }

        var (status, submission) = described;
        var components = submission.Steps.ToDictionary(s => s.Id, s => s.ComponentId, StringComparer.Ordinal);
        var finished = new Dictionary<string, IReadOnlyList<RunRecord>>(StringComparer.Ordinal);
        var steps = new List<DashboardStep>();
        foreach (var step in status.Steps)
        {
            var component = components.GetValueOrDefault(step.StepId, "");
            if (!finished.TryGetValue(component, out var records))
            {
                finished[component] = records = ledger.LatestRuns(component);
            }

            var running = step.State == WorkflowStepState.Running && step.InstanceId is { } instance ? instance : null;
            var allocation = running is null ? null : broker.FindAllocation(running);
            var peaks = running is null ? null : usage.Peek(running);
            var attempts = records
                .Where(r => r.WorkflowRunId == runId && r.StepId == step.StepId)
                .OrderBy(r => r.StartedAtMs)
                .Select(r => new DashboardAttempt(
                    r.InstanceId,
                    r.NodeId,
                    r.Outcome,
                    r.StartedAtMs,
                    r.EndedAtMs,
                    r.FinalLimits ?? (r.Predicted is { } p ? new ResourceQuantity(p.Cpu, p.Memory, p.NetworkBandwidth) : null),
                    new DashboardUsage(r.PeakCpuCores, r.PeakMemoryMiB, r.PeakNetworkMbps, null),
                    r.Predicted?.Model ?? ""))
                .ToList();
            steps.Add(new DashboardStep(
                step.StepId,
                component,
                step.State,
                step.NodeId,
                step.InstanceId,
                step.Attempt,
                step.Reason,
                allocation is { State: AllocationState.Active } ? allocation.Resources : null,
                peaks is { Samples: > 0 } u ? new DashboardUsage(u.PeakCpuCores, u.PeakMemoryMiB, u.PeakNetworkMbps, null) : null,
                attempts));
        }

        return new DashboardRun(status.RunId, status.WorkflowId, status.State, status.UpdatedAtMs, status.Reason, steps);
    }

    /// <summary>The node's newest CPU, memory and network samples in the window; null when it has none.</summary>
    private static DashboardUsage? NodeUsage(IHistoryStore store, string node, long fromMs, long toMs, CancellationToken cancellationToken)
    {
        HistoryPoint? Latest(string metric) => store.Query(node, MetricNames.NodeScope, metric, fromMs, toMs, cancellationToken)
            .SelectMany(s => s.Points)
            .Select(p => (HistoryPoint?)p)
            .MaxBy(p => p!.Value.TimestampMs);

        var cpu = Latest(MetricNames.CpuCores);
        var memory = Latest(MetricNames.MemoryUsedMiB);
        if (cpu is null && memory is null)
        {
            return null;
        }

        var rx = Latest(MetricNames.NetworkRxMbps);
        var tx = Latest(MetricNames.NetworkTxMbps);
        double? network = rx is null && tx is null ? null : (rx?.Value ?? 0) + (tx?.Value ?? 0);
        var at = new[] { cpu, memory, rx, tx }.Where(p => p is not null).Max(p => p!.Value.TimestampMs);
        return new DashboardUsage(cpu?.Value ?? 0, memory?.Value ?? 0, network, at);
    }
}
