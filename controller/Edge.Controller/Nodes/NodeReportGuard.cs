using Edge.Common.Contracts;
using Edge.Controller.History;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Nodes;

/// <summary>
/// Distrusts what a node publishes before it reaches the registry, the placement inventory, the feedback ledger or
/// the history store: a status outside the bounds is refused whole (the last accepted one stays); a bad sample is
/// dropped from its batch and the rest kept; a bad event value is dropped and the event kept. Every refusal is
/// counted and logged through <see cref="NodeReportRefusals"/>.
/// </summary>
internal sealed class NodeReportGuard
{
    private readonly NodeReportOptions _bounds;
    private readonly NodeRegistry _registry;
    private readonly NodeReportRefusals _refusals;
    private readonly SeriesBudget _series;

    public NodeReportGuard(IOptions<NodeReportOptions> options, NodeRegistry registry, IHistoryStore store, NodeReportRefusals refusals)
    {
        _bounds = options.Value;
        _registry = registry;
        _refusals = refusals;
        _series = new SeriesBudget(store, _bounds.MaxSeriesPerNode);
    }

    public NodeReportOptions Bounds => _bounds;

    public SeriesBudget Series => _series;

    /// <summary>True when the status may replace the node's last accepted one.</summary>
    public bool AcceptStatus(NodeStatus status, long nowMs)
    {
        var previous = _registry.TryGet(status.NodeId, out var state) ? state?.Status : null;
        if (NodeStatusCheck.Problem(status, previous, _bounds, nowMs) is { } problem)
        {
            _refusals.Refuse(status.NodeId, problem);
            return false;
        }

        if (NodeStatusCheck.RoseOnNewBoot(status, previous, _bounds))
        {
            _refusals.Refuse(status.NodeId, new ReportProblem(
                RefusalReason.CapacityRoseOnNewBoot,
                $"capacity rose from {NodeStatusCheck.F(previous!.Capacity.CpuMillicores)} mcores / {NodeStatusCheck.F(previous.Capacity.MemoryMiB)} MiB to {NodeStatusCheck.F(status.Capacity.CpuMillicores)} mcores / {NodeStatusCheck.F(status.Capacity.MemoryMiB)} MiB on new boot '{NodeStatusCheck.Cut(status.BootId)}' (accepted)"));
        }

        return true;
    }

    /// <summary>The batch with every sample that passes; the same instance when all do.</summary>
    public MetricBatch FilterBatch(MetricBatch batch)
    {
        var capacity = _registry.TryGet(batch.NodeId, out var state) ? state?.Status?.Capacity : null;
        List<MetricSample>? kept = null;
        var refused = new Dictionary<string, (ReportProblem First, long Count)>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Samples.Count; i++)
        {
            var sample = batch.Samples[i];
            var problem = sample is null
                ? new ReportProblem(RefusalReason.SeriesName, $"samples[{i}] is null")
                : SeriesNames.Problem(sample.Scope, sample.Metric, _bounds) ?? SampleBounds.Problem(sample, capacity, _bounds)
                    ?? (_series.TryAdmit(batch.NodeId, sample.Scope, sample.Metric) ? null : SeriesCap(sample));
            if (problem is { } p)
            {
                kept ??= [.. batch.Samples.Take(i)];
                refused[p.Reason] = refused.TryGetValue(p.Reason, out var r) ? (r.First, r.Count + 1) : (p, 1);
            }
            else
            {
                kept?.Add(sample!);
            }
        }

        foreach (var (first, count) in refused.Values)
        {
            _refusals.Refuse(batch.NodeId, first, count);
        }

        return kept is null ? batch : batch with { Samples = kept };
    }

    /// <summary>
    /// The event with its bad values dropped and an impossible timestamp replaced by <paramref name="nowMs"/>; null
    /// when it names an id the controller could never have issued (refused whole).
    /// </summary>
    public NodeEvent? SanitiseEvent(NodeEvent e, long nowMs)
    {
        if (BadId(e) is { } idProblem)
        {
            _refusals.Refuse(e.NodeId, idProblem);
            return null;
        }

        if (e.TimestampMs <= 0 || e.TimestampMs > nowMs + (long)_bounds.MaxClockSkew.TotalMilliseconds)
        {
            _refusals.Refuse(e.NodeId, new ReportProblem(RefusalReason.EventTimestamp, $"event {e.Kind} timestampMs {e.TimestampMs} replaced by the receive time {nowMs}"));
            e = e with { TimestampMs = nowMs };
        }

        if (e.Values is not { Count: > 0 } values)
        {
            return e;
        }

        var good = new Dictionary<string, double>(StringComparer.Ordinal);
        ReportProblem? first = null;
        foreach (var (key, value) in values)
        {
            var ok = good.Count < _bounds.MaxEventValues && SeriesNames.Problem(key, key, _bounds) is null
                && NodeStatusCheck.InRange(value, 0, _bounds.MaxSampleValue);
            if (ok)
            {
                good[key] = value;
            }
            else
            {
                first ??= new ReportProblem(RefusalReason.EventValue, $"event {e.Kind} value '{NodeStatusCheck.Cut(key)}' = {NodeStatusCheck.F(value)} dropped (finite, 0 to {NodeStatusCheck.F(_bounds.MaxSampleValue)}, at most {_bounds.MaxEventValues} values)");
            }
        }

        if (first is { } problem)
        {
            _refusals.Refuse(e.NodeId, problem, values.Count - good.Count);
            return e with { Values = good };
        }

        return e;
    }

    private static ReportProblem? BadId(NodeEvent e)
    {
        foreach (var (field, id) in new[] { ("instanceId", e.InstanceId), ("workflowRunId", e.WorkflowRunId), ("commandId", e.CommandId) })
        {
            if (id is not null && !IdValidator.IsValidSegment(id, out var error))
            {
                return new ReportProblem(RefusalReason.EventId, $"event {e.Kind} {field}: {error}");
            }
        }

        return e.ComponentId is { } component && !IdValidator.IsValidComponentId(component, out var componentError)
            ? new ReportProblem(RefusalReason.EventId, $"event {e.Kind} componentId: {componentError}")
            : null;
    }

    private ReportProblem SeriesCap(MetricSample sample) =>
        new(RefusalReason.SeriesCap, $"new series '{sample.Scope}' '{sample.Metric}' refused: the node has {_bounds.MaxSeriesPerNode} series, the most allowed");
}
