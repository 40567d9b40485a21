using System.Collections.Concurrent;
using Edge.Agent.Cgroups;
using Edge.Agent.Publishing;
using Edge.Common.Contracts;
using Microsoft.Extensions.Logging;

namespace Edge.Agent.Supervision;

/// <summary>
/// Runs instances as processes in their own groups and applies start, resize and stop commands, each command id at
/// most once. Commands and exits are serialised by one gate; samplers read the instance table without it.
/// Answers and lifecycle events go to the <see cref="INodeEventSink"/>.
/// </summary>
internal sealed partial class Supervisor : ICommandHandler, IAsyncDisposable
{
    private readonly SupervisorOptions _options;
    private readonly ICgroupDriver _driver;
    private readonly INodeEventSink _sink;
    private readonly TimeProvider _time;
    private readonly ILogger<Supervisor> _logger;
    private readonly SupervisorMetrics _metrics;
    private readonly CommandValidator _validator;
    private readonly AppliedCommandLog _applied;
    private readonly InstanceStateStore _stateStore;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _stateFileWriteFailures;
    private int _stateFileBehind;
    private readonly ConcurrentDictionary<string, RunningInstance> _instances = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ConcurrentDictionary<Task, bool> _background = new();
    private readonly NetworkIsolator? _network;
    private readonly RunAsPolicy _runAs;
    private readonly DynamicUserAllocator _users;
    private readonly InstanceDirectories _directories;
    private readonly string? _setpriv;
    private readonly Output.OutputCapture _output;
    private int _disposed;

    public Supervisor(
        SupervisorOptions options, ICgroupDriver driver, INodeEventSink sink, NodeCapacity capacity, string nodeId,
        SupervisorMetrics metrics, TimeProvider time, ILogger<Supervisor> logger)
    {
        _options = options;
        _driver = driver;
        _sink = sink;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        NodeId = nodeId;
        _network = LibC.IsRoot && NetworkIsolator.FindIp() is { } ip ? new NetworkIsolator(ip) : null;
        _runAs = RunAsPolicy.TryParse(options.RunAsUser, options.DynamicUsers, "/etc/passwd", out var runAsError)
            ?? throw new InvalidOperationException(runAsError);
        _users = new DynamicUserAllocator(_runAs);
        _setpriv = InstanceSandbox.FindSetpriv();
        if (_runAs.FixedUser is { IsRoot: true })
        {
            LogInstancesRunAsRoot();
        }
        else if (_setpriv is null)
        {
            LogNoSetpriv();
        }
        InstanceUser? accessUser = !LibC.IsRoot ? null : _runAs.FixedUser ?? CommandValidator.AnyDynamicUser;
        _validator = new CommandValidator(options, capacity, nodeId, _network is not null, accessUser);
        SecureStateDirectory(options);
        _directories = new InstanceDirectories(options.EffectiveInstanceDirectory);
        _applied = new AppliedCommandLog(options.StateDirectory, options.AppliedCommandsToKeep, error =>
        {
            _metrics.AppliedLogWriteFailures.Add(1);
            LogAppliedLogWriteFailed(error);
        });
        _stateStore = new InstanceStateStore(options.StateDirectory);
        _output = new Output.OutputCapture(options.StateDirectory, new Output.OutputLimits(options.OutputSegmentBytes, options.OutputSegments, options.OutputRetention), time);
    }

    /// <summary>Every instance's kept stdout and stderr (docs/operations-nodes.md).</summary>
    internal Output.OutputCapture Output => _output;

    public string NodeId { get; }

    /// <summary>
    /// The state directory is the agent's alone: 0700, or 0711 when the instance directories live inside it (so that
    /// an instance can enter its own directory but list nothing; the state files themselves are 0600).
    /// </summary>
    private static void SecureStateDirectory(SupervisorOptions options)
    {
        Directory.CreateDirectory(options.StateDirectory);
        var inside = Path.GetFullPath(options.EffectiveInstanceDirectory).StartsWith(Path.GetFullPath(options.StateDirectory).TrimEnd('/') + "/", StringComparison.Ordinal);
        LibC.SetMode(options.StateDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | (inside ? UnixFileMode.GroupExecute | UnixFileMode.OtherExecute : UnixFileMode.None));
    }

    /// <summary>Ids of the instances currently supervised.</summary>
    public IReadOnlyCollection<string> InstanceIds => [.. _instances.Keys];

    internal bool TryGetInstance(string instanceId, out RunningInstance instance) => _instances.TryGetValue(instanceId, out instance!);

    public async Task HandleAsync(NodeCommand command, CancellationToken cancellationToken)
    {
        if (command.Kind == CommandKind.ReadOutput)
        {
            return; // Read-only, answered by Output.OutputCommandHandler; never recorded as applied.
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_applied.TryGet(command.CommandId, out var previous))
            {
                _metrics.Redelivered.Add(1);
                LogRedelivered(command.CommandId, previous.Outcome);
                await ReplayAsync(command, previous, cancellationToken);
                return;
            }

            if (_validator.ValidateEnvelope(command) is { } envelopeError)
            {
                await RejectAsync(command, null, envelopeError, cancellationToken);
                return;
            }

            switch (command.Kind)
            {
                case CommandKind.Start:
                    await StartAsync(command, command.Start!, cancellationToken);
                    break;
                case CommandKind.Resize:
                    await ResizeAsync(command, command.Resize!, cancellationToken);
                    break;
                case CommandKind.Stop:
                    await StopAsync(command, command.Stop!, cancellationToken);
                    break;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ReplayAsync(NodeCommand command, AppliedCommand previous, CancellationToken cancellationToken)
    {
        if (previous.Outcome == CommandOutcome.Rejected)
        {
            await PublishAsync(NewEvent(NodeEventKind.CommandRejected, command.CommandId, previous.InstanceId) with { Reason = previous.Reason, CommandKind = command.Kind }, cancellationToken);
            return;
        }

        await PublishAsync(NewEvent(NodeEventKind.CommandAccepted, command.CommandId, previous.InstanceId), cancellationToken);
        if (previous.Outcome == CommandOutcome.Completed)
        {
            await PublishAsync(NewEvent(NodeEventKind.CommandCompleted, command.CommandId, previous.InstanceId), cancellationToken);
        }
    }

    /// <summary>Refuses a command: counted, logged, remembered for a redelivery, and reported with its kind (and, for a resize, the limits kept and asked for).</summary>
    private async Task RejectAsync(NodeCommand command, string? instanceId, string reason, CancellationToken cancellationToken, InstanceLimits? kept = null, InstanceLimits? asked = null)
    {
        _metrics.Rejected.Add(1, new KeyValuePair<string, object?>("kind", command.Kind.ToString()));
        LogRejected(command.CommandId, command.Kind, reason);
        if (IdValidator.IsValidSegment(command.CommandId, out _))
        {
            _applied.Record(new AppliedCommand(command.CommandId, CommandOutcome.Rejected, instanceId, reason));
        }

        await PublishAsync(NewEvent(NodeEventKind.CommandRejected, command.CommandId, instanceId) with
        {
            Reason = reason,
            CommandKind = command.Kind,
            OldLimits = kept is null ? null : ToQuantity(kept),
            NewLimits = asked is null ? null : ToQuantity(asked),
        }, cancellationToken);
    }

    private async Task AcceptAsync(NodeCommand command, string instanceId, CancellationToken cancellationToken)
    {
        _metrics.Accepted.Add(1, new KeyValuePair<string, object?>("kind", command.Kind.ToString()));
        _applied.Record(new AppliedCommand(command.CommandId, CommandOutcome.Accepted, instanceId, null));
        await PublishAsync(NewEvent(NodeEventKind.CommandAccepted, command.CommandId, instanceId), cancellationToken);
    }

    private async Task CompleteAsync(string commandId, string instanceId, CancellationToken cancellationToken)
    {
        _applied.Record(new AppliedCommand(commandId, CommandOutcome.Completed, instanceId, null));
        await PublishAsync(NewEvent(NodeEventKind.CommandCompleted, commandId, instanceId), cancellationToken);
    }

    private NodeEvent NewEvent(NodeEventKind kind, string? commandId, string? instanceId)
    {
        var instance = instanceId is not null && _instances.TryGetValue(instanceId, out var found) ? found.State : null;
        return new NodeEvent
        {
            NodeId = NodeId,
            EventId = Guid.NewGuid().ToString("N"),
            TimestampMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
            Kind = kind,
            CommandId = commandId,
            InstanceId = instanceId,
            ComponentId = instance?.ComponentId,
            WorkflowRunId = instance?.WorkflowRunId,
        };
    }

    private NodeEvent InstanceEvent(NodeEventKind kind, InstanceState state) => new()
    {
        NodeId = NodeId,
        EventId = Guid.NewGuid().ToString("N"),
        TimestampMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        Kind = kind,
        InstanceId = state.InstanceId,
        ComponentId = state.ComponentId,
        WorkflowRunId = state.WorkflowRunId,
    };

    private ValueTask PublishAsync(NodeEvent nodeEvent, CancellationToken cancellationToken) => _sink.PublishAsync(nodeEvent, cancellationToken);

    /// <summary>instances.json writes that failed (full disk, I/O error) since the agent started.</summary>
    internal long StateFileWriteFailures => Interlocked.Read(ref _stateFileWriteFailures);

    /// <summary>Whether the last instances.json write failed, so the file is behind what is running.</summary>
    internal bool StateFileBehind => Volatile.Read(ref _stateFileBehind) == 1;

    /// <summary>
    /// Writes instances.json from the instances supervised, under the gate. The instances are what runs (a started
    /// process, limits written to its group): a write that fails cannot undo them, so it does not throw into the
    /// command that changed them. It is counted and logged, the file keeps its previous content, and the next write,
    /// at the latest the next monitoring pass, writes the whole list again.
    /// </summary>
    private void SaveState()
    {
        try
        {
            _stateStore.Save(_instances.Values.Select(i => i.State));
            if (Interlocked.Exchange(ref _stateFileBehind, 0) == 1)
            {
                LogStateFileCaughtUp(_stateStore.FilePath, _instances.Count);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Interlocked.Increment(ref _stateFileWriteFailures);
            _metrics.StateFileWriteFailures.Add(1);
            Interlocked.Exchange(ref _stateFileBehind, 1);
            LogStateFileWriteFailed(_stateStore.FilePath, e.Message);
        }
    }

    private void RunInBackground(Func<Task> work)
    {
        var task = Task.Run(work);
        _background[task] = true;
        task.ContinueWith(t => _background.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>Stops watching; running instances keep running and are adopted by the next agent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _shutdown.CancelAsync();
        try
        {
            await Task.WhenAll(_background.Keys);
        }
        catch (OperationCanceledException)
        {
            // Watchers end by cancellation.
        }

        _shutdown.Dispose();
        _output.Dispose();
        _applied.Dispose();
        _gate.Dispose();
    }
}
