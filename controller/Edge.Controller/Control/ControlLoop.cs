using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Edge.Controller.Nodes;
using Edge.Controller.Profiles;
using Edge.Controller.Workflows;

namespace Edge.Controller.Control;

/// <summary>
/// The controller's single consumer of node status, node events, metric batches, decisions and MQTT submissions,
/// in arrival order. For an event the order is: feedback (while the allocation is still known), then the broker
/// (which releases ended allocations and serves its queue), then the workflow service (which starts the next
/// steps into the freed capacity). Before it reads anything, unfinished workflow runs are restored.
/// </summary>
internal sealed partial class ControlLoop(
    ControlChannel channel,
    Allocator broker,
    WorkflowService workflows,
    FeedbackRecorder feedback,
    InstanceUsageTracker usage,
    MqttCommandPublisher commands,
    IEnumerable<IMetricObserver> observers,
    ReconcileReports reports,
    NodeReportRefusals refusals,
    TimeProvider time,
    ILogger<ControlLoop> logger) : BackgroundService
{
    /// <summary>Most instances one node's batch may report that the broker did not place there, per reconcile.</summary>
    public const int MaxUnknownReported = 10;

    /// <summary>How often a node's running instances (from its metric batches) are reconciled with its allocations.</summary>
    public static readonly TimeSpan ReconcilePeriod = TimeSpan.FromSeconds(30);

    private readonly IMetricObserver[] _observers = [.. observers];
    private readonly Dictionary<string, long> _reconciled = new(StringComparer.Ordinal);
    private readonly PlacedInstances _placed = new();

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await workflows.RestoreAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var item in channel.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await HandleAsync(item, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogFailed(item.GetType().Name, ex);
            }
        }
    }

    private async Task HandleAsync(ControlEvent item, CancellationToken cancellationToken)
    {
        switch (item)
        {
            case ControlEvent.Status status:
                await broker.OnNodeStatusAsync(status.Value, cancellationToken);
                if (status.Value.Online)
                {
                    // A node that (re)connects is reconciled on its next batch, not up to a period later.
                    _reconciled.Remove(status.Value.NodeId);
                    await commands.FlushAsync(cancellationToken);
                }

                break;
            case ControlEvent.Event { Held: true } held when !IsPlaced(held.Value):
                // Held while following, for an instance the store no longer places there: the previous leader acted on
                // it (released the allocation) before it died. Only the workflow service may still owe the step its
                // end (the leader died between releasing and recording it); it ignores steps already past it.
                await workflows.OnNodeEventAsync(held.Value, cancellationToken);
                break;
            case ControlEvent.Event e:
                if (!PlacedHere(e.Value))
                {
                    break;
                }

                if (feedback.OnEvent(e.Value) is { } clamped)
                {
                    refusals.Refuse(e.Value.NodeId, new ReportProblem(RefusalReason.RunPeakClamped, clamped));
                }

                await broker.OnNodeEventAsync(e.Value, cancellationToken);
                await workflows.OnNodeEventAsync(e.Value, cancellationToken);
                foreach (var observer in _observers)
                {
                    await observer.ObserveEventAsync(e.Value, cancellationToken);
                }

                break;
            case ControlEvent.Metrics metrics:
                // Reconcile sees every instance the node reports (unknown ones are what it reports on); usage and the
                // adjuster only see instances placed on that node, so a node cannot feed another node's instances.
                await ReconcileAsync(metrics.Value, cancellationToken);
                var owned = OwnedSamples(metrics.Value);
                usage.Observe(owned);
                foreach (var observer in _observers)
                {
                    await observer.ObserveBatchAsync(owned, cancellationToken);
                }

                break;
            case ControlEvent.DecisionMade decision:
                _placed.Record(decision.Value);
                await workflows.OnDecisionAsync(decision.Value, cancellationToken);
                break;
            case ControlEvent.Submission submission:
                await workflows.SubmitAsync(submission.Value, submission.Source, cancellationToken);
                break;
        }
    }

    /// <summary>
    /// Every <see cref="ReconcilePeriod"/> per node: the instances in the batch (agents sample every running instance
    /// each interval) against the broker's allocations there. Unknown ones are stopped, missing ones placed again, each
    /// after its grace (<see cref="Allocator.ReconcileAsync"/>); none is adopted.
    /// </summary>
    private async Task ReconcileAsync(Common.Contracts.MetricBatch batch, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (_reconciled.TryGetValue(batch.NodeId, out var last) && time.GetElapsedTime(last, now) < ReconcilePeriod)
        {
            return;
        }

        _reconciled[batch.NodeId] = now;
        var prefix = Common.Contracts.MetricNames.InstanceScopePrefix;
        var running = batch.Samples.Where(s => s.Scope.StartsWith(prefix, StringComparison.Ordinal)).Select(s => s.Scope[prefix.Length..]).ToHashSet(StringComparer.Ordinal);
        var unknown = running.Where(id => broker.FindAllocation(id)?.NodeId != batch.NodeId).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > MaxUnknownReported)
        {
            // The broker logs each unknown instance: a node inventing thousands must not flood the log. The first few
            // are reported; every sample of the rest is counted as foreign-instance when the batch's usage is read.
            running.ExceptWith(unknown.Skip(MaxUnknownReported));
        }

        var report = await broker.ReconcileAsync(batch.NodeId, running, cancellationToken);
        reports.Set(report);
        if (report.MissingInstances.Count > 0)
        {
            LogMissing(batch.NodeId, string.Join(", ", report.MissingInstances));
        }
    }

    /// <summary>
    /// True for an event without an instance, or for an instance the controller placed on the event's node (now, or
    /// before it was released or moved). Anything else is refused: a node must not end, OOM-kill or resize another
    /// node's instances, nor ones the controller never placed.
    /// </summary>
    private bool PlacedHere(NodeEvent e)
    {
        if (IsPlaced(e))
        {
            return true;
        }

        refusals.Refuse(e.NodeId, new ReportProblem(RefusalReason.ForeignInstance, $"event {e.Kind} for instance '{e.InstanceId}', which the controller did not place on '{e.NodeId}'"));
        return false;
    }

    private bool IsPlaced(NodeEvent e) =>
        e.InstanceId is not { } instance || broker.FindAllocation(instance)?.NodeId == e.NodeId || _placed.WasPlaced(instance, e.NodeId);

    private MetricBatch OwnedSamples(MetricBatch batch)
    {
        var prefix = MetricNames.InstanceScopePrefix;
        List<MetricSample>? kept = null;
        var foreign = 0;
        string? first = null;
        for (var i = 0; i < batch.Samples.Count; i++)
        {
            var sample = batch.Samples[i];
            // Usage counts only while the allocation is on this node: a node that once held a moved instance must
            // not keep feeding its peak.
            var isForeign = sample.Scope.StartsWith(prefix, StringComparison.Ordinal)
                && broker.FindAllocation(sample.Scope[prefix.Length..])?.NodeId != batch.NodeId;
            if (isForeign)
            {
                kept ??= [.. batch.Samples.Take(i)];
                foreign++;
                first ??= sample.Scope;
            }
            else
            {
                kept?.Add(sample);
            }
        }

        if (kept is null)
        {
            return batch;
        }

        refusals.Refuse(batch.NodeId, new ReportProblem(RefusalReason.ForeignInstance, $"{foreign} usage sample(s) of instances not placed on '{batch.NodeId}' (first: {first}) not used for feedback or adjustment"), foreign);
        return batch with { Samples = kept };
    }

    [LoggerMessage(EventId = 6004, Level = LogLevel.Debug, Message = "Node {Node} reports no usage for allocated instance(s) {Instances} (starting, or ended without an event yet)")]
    private partial void LogMissing(string node, string instances);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Error, Message = "Handling {Kind} failed; the loop goes on")]
    private partial void LogFailed(string kind, Exception ex);
}
