using Edge.Controller.Broker;
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
    ResourceBroker broker,
    WorkflowService workflows,
    FeedbackRecorder feedback,
    InstanceUsageTracker usage,
    MqttCommandPublisher commands,
    IEnumerable<IMetricObserver> observers,
    ReconcileReports reports,
    TimeProvider time,
    ILogger<ControlLoop> logger) : BackgroundService
{
    /// <summary>How often a node's running instances (from its metric batches) are reconciled with its allocations.</summary>
    public static readonly TimeSpan ReconcilePeriod = TimeSpan.FromSeconds(30);

    private readonly IMetricObserver[] _observers = [.. observers];
    private readonly Dictionary<string, long> _reconciled = new(StringComparer.Ordinal);

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
                    await commands.FlushAsync(cancellationToken);
                }

                break;
            case ControlEvent.Event e:
                feedback.OnEvent(e.Value);
                await broker.OnNodeEventAsync(e.Value, cancellationToken);
                await workflows.OnNodeEventAsync(e.Value, cancellationToken);
                break;
            case ControlEvent.Metrics metrics:
                usage.Observe(metrics.Value);
                Reconcile(metrics.Value);
                foreach (var observer in _observers)
                {
                    await observer.ObserveBatchAsync(metrics.Value, cancellationToken);
                }

                break;
            case ControlEvent.DecisionMade decision:
                await workflows.OnDecisionAsync(decision.Value, cancellationToken);
                break;
            case ControlEvent.Submission submission:
                await workflows.SubmitAsync(submission.Value, submission.Source, cancellationToken);
                break;
        }
    }

    /// <summary>
    /// Every <see cref="ReconcilePeriod"/> per node: the instances in the batch (agents sample every running instance
    /// each interval) against the broker's allocations there. Unknown ones are reported by the broker, not adopted.
    /// </summary>
    private void Reconcile(Common.Contracts.MetricBatch batch)
    {
        var now = time.GetTimestamp();
        if (_reconciled.TryGetValue(batch.NodeId, out var last) && time.GetElapsedTime(last, now) < ReconcilePeriod)
        {
            return;
        }

        _reconciled[batch.NodeId] = now;
        var prefix = Common.Contracts.MetricNames.InstanceScopePrefix;
        var running = batch.Samples.Where(s => s.Scope.StartsWith(prefix, StringComparison.Ordinal)).Select(s => s.Scope[prefix.Length..]).ToHashSet(StringComparer.Ordinal);
        var report = broker.Reconcile(batch.NodeId, running);
        reports.Set(report);
        if (report.MissingInstances.Count > 0)
        {
            LogMissing(batch.NodeId, string.Join(", ", report.MissingInstances));
        }
    }

    [LoggerMessage(EventId = 6004, Level = LogLevel.Debug, Message = "Node {Node} reports no usage for allocated instance(s) {Instances} (starting, or ended without an event yet)")]
    private partial void LogMissing(string node, string instances);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Error, Message = "Handling {Kind} failed; the loop goes on")]
    private partial void LogFailed(string kind, Exception ex);
}
