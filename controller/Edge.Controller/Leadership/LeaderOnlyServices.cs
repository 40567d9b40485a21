using Edge.Controller.Control;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Leadership;

/// <summary>
/// In cluster mode, the hosted services that decide (the control loop — placement, commands, workflow advancing,
/// the adjuster —, the broker's queue and node-loss checks, node drains, retraining, the volume projection) run only
/// while this controller leads. They, and the state they own (allocations, queue, runs, ledger), are created when
/// the lead is won, from what the store holds then, so a follower that takes over continues from the store rather
/// than from a copy it loaded when it started. While following, the control loop's inbox is drained: each node's
/// latest status, node events about instances (at most <see cref="MaxHeldEvents"/>: an end that reached followers
/// only, while the leader was dying, must not be lost) and MQTT submissions (at most <see cref="MaxHeldSubmissions"/>)
/// are kept and handed to the control loop on takeover; metric batches are dropped (history is written by ingest on
/// every controller; the next batch reconciles). On losing the lead the services are stopped at once and, with
/// <see cref="ClusterOptions.ExitOnLostLeadership"/>, the process exits with code
/// <see cref="ClusterOptions.LostLeadershipExitCode"/> so the service manager restarts it as a follower with no
/// in-memory state of the old term (Kubernetes' controller manager does the same).
/// </summary>
internal sealed partial class LeaderOnlyServices(
    IReadOnlyList<Func<IServiceProvider, IHostedService>> factories,
    IServiceProvider services,
    ILeadership leadership,
    ControlChannel channel,
    IHostApplicationLifetime lifetime,
    IOptions<ClusterOptions> options,
    ILogger<LeaderOnlyServices> logger) : IHostedService, IDisposable
{
    public const int MaxHeldSubmissions = 1000;

    /// <summary>Most node events about instances held while following (the oldest are dropped beyond it).</summary>
    public const int MaxHeldEvents = 10_000;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _changed = new(0, int.MaxValue);
    private readonly List<IHostedService> _running = [];
    private readonly Dictionary<string, ControlEvent> _statuses = new(StringComparer.Ordinal);
    private readonly Queue<ControlEvent> _submissions = new();
    private readonly Queue<ControlEvent> _events = new();
    private Task? _loop;

    /// <summary>True while the decision-making services run.</summary>
    public bool Running { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        leadership.Changed += OnChanged;
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        leadership.Changed -= OnChanged;
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await StopServicesAsync(cancellationToken);
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _changed.Dispose();
    }

    private void OnChanged(LeadershipChange change) => _changed.Release();

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (!leadership.IsLeader)
            {
                DrainInbox();
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                wait.CancelAfter(TimeSpan.FromMilliseconds(250));
                try
                {
                    var read = channel.Reader.WaitToReadAsync(wait.Token).AsTask();
                    await Task.WhenAny(read, _changed.WaitAsync(wait.Token));
                }
                catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                {
                }

                stopping.ThrowIfCancellationRequested();
            }

            var token = leadership.LeadingToken;
            DrainInbox();
            foreach (var held in _statuses.Values.Concat(_events).Concat(_submissions))
            {
                channel.Post(held);
            }

            LogTakingOver(leadership.Term, _statuses.Count, _events.Count, _submissions.Count);
            _statuses.Clear();
            _events.Clear();
            _submissions.Clear();
            foreach (var factory in factories)
            {
                var service = factory(services);
                await service.StartAsync(stopping);
                _running.Add(service);
            }

            Running = true;
            using (var leading = CancellationTokenSource.CreateLinkedTokenSource(stopping, token))
            {
                await Task.Delay(Timeout.Infinite, leading.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            if (stopping.IsCancellationRequested)
            {
                return;
            }

            LogLost(leadership.Term);
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
            {
                await StopServicesAsync(timeout.Token);
            }

            if (options.Value.ExitOnLostLeadership)
            {
                Environment.ExitCode = ClusterOptions.LostLeadershipExitCode;
                lifetime.StopApplication();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogFailed(ex);
            Environment.ExitCode = ClusterOptions.LostLeadershipExitCode;
            lifetime.StopApplication();
        }
    }

    /// <summary>Takes what followers keep from the inbox: each node's latest status and submissions.</summary>
    private void DrainInbox()
    {
        while (channel.Reader.TryRead(out var item))
        {
            switch (item)
            {
                case ControlEvent.Status status:
                    _statuses[status.Value.NodeId] = item;
                    break;
                case ControlEvent.Event { Value.InstanceId: not null } e:
                    // An instance's end (or OOM kill, refused start, resize) that reached only followers while the
                    // leader was dying, or whose handling died with it: lost, the step would wait for it forever.
                    // Handed over on takeover; those the previous leader did act on find no allocation and are
                    // skipped (ControlLoop).
                    _events.Enqueue(e with { Held = true });
                    if (_events.Count > MaxHeldEvents)
                    {
                        _events.Dequeue();
                    }

                    break;
                case ControlEvent.Submission:
                    _submissions.Enqueue(item);
                    if (_submissions.Count > MaxHeldSubmissions)
                    {
                        _submissions.Dequeue();
                    }

                    break;
            }
        }
    }

    private async Task StopServicesAsync(CancellationToken cancellationToken)
    {
        Running = false;
        for (var i = _running.Count - 1; i >= 0; i--)
        {
            try
            {
                await _running[i].StopAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogFailed(ex);
            }
        }

        _running.Clear();
    }

    [LoggerMessage(6101, LogLevel.Warning, "Leading in term {Term}: starting placement, commands, adjustment, workflows and retraining from the store ({Statuses} node statuses, {Events} instance events and {Submissions} submissions held while following)")]
    private partial void LogTakingOver(long term, int statuses, int events, int submissions);

    [LoggerMessage(6102, LogLevel.Error, "Lost the lead of term {Term}: decision-making stopped; the controller exits to restart as a follower")]
    private partial void LogLost(long term);

    [LoggerMessage(6103, LogLevel.Critical, "The leader-only services failed; the controller stops")]
    private partial void LogFailed(Exception exception);
}
