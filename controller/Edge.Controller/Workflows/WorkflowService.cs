using System.Globalization;
using Edge.Controller.Mqtt;
using Edge.Common.Contracts;
using Edge.Controller.Placement;
using Edge.Controller.Profiles;
using Edge.Controller.State;
using Edge.Models.Forecasting;
using Microsoft.Extensions.Options;

namespace Edge.Controller.Workflows;

/// <summary>
/// Runs workflow DAGs: validates a submission, then for each step whose dependencies have succeeded asks the broker
/// for an allocation (prediction → placement → <c>start</c> on the chosen agent with the predicted limits), follows
/// the agents' events to mark steps done, retries failed and OOM-killed steps per policy (with more memory after an
/// OOM), stores every change (only the steps that changed, <see cref="WorkflowRunStore"/>) before acting on it, and
/// publishes each run's status retained on <c>{prefix}/v1/workflows/{run}/status</c>. A change the store refuses (full
/// disk, I/O error) is undone in memory and reported (logged, counted, thrown to the caller). Finished runs beyond
/// <see cref="WorkflowOptions.KeepFinishedRuns"/> or older than <see cref="WorkflowOptions.FinishedRunRetention"/> are
/// deleted from the store and memory and their retained status cleared. All changes happen under one async lock.
/// </summary>
internal sealed partial class WorkflowService : IDisposable
{
    private readonly WorkflowOptions _options;
    private readonly LaunchPolicy _launch;
    private readonly Allocator _broker;
    private readonly WorkflowRunStore _store;
    private readonly ControllerMqttLink _mqtt;
    private readonly EdgeTopics _topics;
    private readonly VolumeForecaster _volume;
    private readonly IProfileSource _profiles;
    private readonly FeedbackLedger _ledger;
    private readonly TimeProvider _time;
    private readonly ILogger<WorkflowService> _logger;
    private readonly WorkflowMetrics _metrics;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, RunEntry> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string RunId, string StepId)> _byInstance = new(StringComparer.Ordinal);
    private readonly HashSet<string> _oomSeen = new(StringComparer.Ordinal);

    // Per component: Edge's cost-chosen task sizer, fed every successful step's peak, runtime and input size; once it
    // has seen MinTasksForCostRetry of the component's tasks it chooses the size after an OOM kill (issue 17: the
    // failure strategy chosen by the cost, not a fixed factor). Kept in the state store (TaskSizerStore) after every
    // task it learns and loaded at start, so a restart or a new leader continues where it was.
    private readonly Dictionary<string, TaskSizer> _sizers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _sizerTasksStored = new(StringComparer.Ordinal);
    private readonly TaskSizerStore _sizerStore;
    private const int MinTasksForCostRetry = 5;

    // The sizer's first size per component for the last (tasks learned, input size) it was asked about: the cost rule
    // runs over every task seen (O(n log n) for each of its variants), and a wave of one component asks for the same
    // size once per step.
    private readonly Dictionary<string, (int Count, double Input, double? Size)> _firstSizes = new(StringComparer.Ordinal);

    // A sizer stops learning at this many tasks: its cost rule runs over every task seen under the service's lock
    // (O(n log n) per variant since the prefix-sum rule; the cap was set when it was quadratic and is kept), and its
    // records in the state store stay bounded (O(tasks) per component).
    private const int MaxSizerTasks = 1000;

    public WorkflowService(
        IOptions<WorkflowOptions> options,
        WorkflowRunStore store,
        TaskSizerStore sizerStore,
        Allocator broker,
        ControllerMqttLink mqtt,
        EdgeTopics topics,
        VolumeForecaster volume,
        IProfileSource profiles,
        FeedbackLedger ledger,
        TimeProvider time,
        WorkflowMetrics metrics,
        ILogger<WorkflowService> logger)
    {
        _profiles = profiles;
        _ledger = ledger;
        _options = options.Value;
        _launch = options.Value.LaunchPolicy;
        _broker = broker;
        _mqtt = mqtt;
        _topics = topics;
        _volume = volume;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _store = store;
        _sizerStore = sizerStore;
    }

    /// <summary>Loads the stored runs and continues every unfinished one (called once at start, before events flow).</summary>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            foreach (var (component, sizer) in _sizerStore.Load(_options.TaskSizerAttemptOverheadS, _options.TaskSizerMaxFailureRate))
            {
                _sizers[component] = sizer;
                _sizerTasksStored[component] = sizer.Count;
            }

            var restored = 0;
            foreach (var record in _store.Load())
            {
                var run = new WorkflowRun(record.Header.RunId, record.Submission, _options.RetryPolicy);
                run.Restore(record.Steps);
                var entry = new RunEntry(run, record.Header.SubmittedAtMs)
                {
                    UpdatedAtMs = record.Header.UpdatedAtMs,
                    FinishedAtMs = record.Header.FinishedAtMs ?? (run.IsFinished ? record.Header.UpdatedAtMs : null),
                };
                _runs[run.RunId] = entry;
                foreach (var step in run.Snapshot().Where(s => s.InstanceId is not null && s.State is WorkflowStepState.Running or WorkflowStepState.Queued))
                {
                    _byInstance[step.InstanceId!] = (run.RunId, step.StepId);
                }

                if (!run.IsFinished)
                {
                    restored++;
                    Reconcile(entry);
                    await PredictAsync(entry, run.Submission.Steps, cancellationToken);
                }
            }

            LogRestored(restored, _runs.Count);
            await TrimAsync(cancellationToken);
            foreach (var entry in _runs.Values.Where(e => !e.Run.IsFinished).ToList())
            {
                await AdvanceAsync(entry, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Validates and starts a run; refused submissions get every reason, nothing of them runs.</summary>
    public async Task<SubmitResponse> SubmitAsync(WorkflowSubmission submission, string source, CancellationToken cancellationToken)
    {
        if (submission.Steps?.Any(s => s is null) == true)
        {
            _metrics.Refused.Add(1);
            return new SubmitResponse(null, null, ["steps: a step is null"]);
        }

        submission = Normalized(submission);
        var errors = WorkflowValidator.Validate(submission, _launch).ToList();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var runId = submission.RunId ?? NewRunId(submission.WorkflowId);
            if (errors.Count == 0 && _runs.ContainsKey(runId))
            {
                errors.Add($"runId: run '{runId}' already exists");
            }

            if (errors.Count > 0)
            {
                _metrics.Refused.Add(1);
                LogRefused(source, submission.WorkflowId ?? "", string.Join("; ", errors));
                return new SubmitResponse(null, null, errors);
            }

            var now = NowMs();
            var run = new WorkflowRun(runId, submission with { RunId = runId }, _options.RetryPolicy);
            var entry = new RunEntry(run, now);
            try
            {
                _store.Create(Header(entry), run.Submission, run.Snapshot());
            }
            catch (StateStoreException ex)
            {
                _metrics.StoreFailures.Add(1);
                LogStoreFailed(runId, ex.Message);
                throw;
            }

            _runs[runId] = entry;
            await PredictAsync(entry, run.Submission.Steps, cancellationToken);
            _volume.RecordSubmission(submission.WorkflowId, _time.GetUtcNow());
            _metrics.Submitted.Add(1);
            LogSubmitted(runId, submission.WorkflowId, submission.Steps.Count, source);
            await AdvanceAsync(entry, cancellationToken);
            return new SubmitResponse(runId, Status(entry), []);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Cancels a run: stops its running steps, withdraws queued ones. False when the run is unknown or finished.</summary>
    public async Task<bool> CancelAsync(string runId, string reason, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_runs.TryGetValue(runId, out var entry) || entry.Run.IsFinished)
            {
                return false;
            }

            var active = entry.Run.Snapshot().Where(s => s.InstanceId is not null && s.State is WorkflowStepState.Running or WorkflowStepState.Queued).ToList();
            entry.Run.Cancel(reason);
            MarkFinished(entry);
            Persist(entry);
            foreach (var step in active)
            {
                _byInstance.Remove(step.InstanceId!);
                await _broker.DeallocateAsync(step.InstanceId!, cancellationToken);
            }

            await PublishAsync(entry, cancellationToken);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public WorkflowRunStatus? Get(string runId)
    {
        _gate.Wait();
        try
        {
            return _runs.TryGetValue(runId, out var entry) ? Status(entry) : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The run's status and its submission (for the step's components); null when no run has the id.</summary>
    public (WorkflowRunStatus Status, WorkflowSubmission Submission)? Describe(string runId)
    {
        _gate.Wait();
        try
        {
            return _runs.TryGetValue(runId, out var entry) ? (Status(entry), entry.Run.Submission) : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    public IReadOnlyList<WorkflowRunStatus> List()
    {
        _gate.Wait();
        try
        {
            return [.. _runs.Values.OrderByDescending(e => e.SubmittedAtMs).Select(Status)];
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>An agent's event: a step's instance ended, was OOM-killed, or its start was refused.</summary>
    public async Task OnNodeEventAsync(NodeEvent e, CancellationToken cancellationToken)
    {
        if (e.InstanceId is not { } instance || e.Kind is not (NodeEventKind.InstanceExited or NodeEventKind.InstanceOomKilled or NodeEventKind.CommandRejected)
            || (e.Kind == NodeEventKind.CommandRejected && e.CommandKind is not (null or CommandKind.Start)))
        {
            // A refused resize or stop leaves the step running (the broker puts a refused resize's limits back).
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_byInstance.TryGetValue(instance, out var owner) || !_runs.TryGetValue(owner.RunId, out var entry))
            {
                return;
            }

            var step = entry.Run.Step(owner.StepId);
            if (_broker.FindAllocation(instance) is { State: AllocationState.Active } placed && placed.NodeId != e.NodeId)
            {
                // The broker moved it (migration, node loss) before this event from its old node arrived: the old
                // copy ended, the step runs on. The decision saying so may still be on its way.
                if (step.State == WorkflowStepState.Running && step.NodeId != placed.NodeId)
                {
                    entry.Run.MovedTo(owner.StepId, placed.NodeId, (placed.Limits ?? placed.Resources).MemoryMiB);
                    Persist(entry);
                }

                return;
            }

            if (step.State != WorkflowStepState.Running || step.NodeId != e.NodeId)
            {
                return; // an old copy (from before a retry)
            }

            switch (e.Kind)
            {
                case NodeEventKind.InstanceOomKilled:
                    _oomSeen.Add(instance);
                    return;
                case NodeEventKind.CommandRejected:
                    // The agent refused to start it: release what was reserved; the attempt failed.
                    await _broker.ReleaseEndedAsync(instance, $"start refused by '{e.NodeId}': {e.Reason}", cancellationToken);
                    Finish(entry, owner.StepId, instance, StepOutcome.Failed, $"node '{e.NodeId}' refused to start it: {e.Reason}");
                    break;
                default:
                    var oom = _oomSeen.Remove(instance) && e.ExitCode != 0;
                    var outcome = e.ExitCode == 0 ? StepOutcome.Succeeded : oom ? StepOutcome.OomKilled : StepOutcome.Failed;
                    var why = outcome switch
                    {
                        StepOutcome.OomKilled => $"OOM-killed at its {step.MemoryLimitMiB?.ToString("0", CultureInfo.InvariantCulture) ?? "?"} MiB memory limit on '{e.NodeId}'",
                        StepOutcome.Failed => $"exited with code {e.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown"} on '{e.NodeId}'",
                        _ => null,
                    };
                    entry.AddDemand(e.Values);
                    if (outcome == StepOutcome.Succeeded)
                    {
                        entry.ActualSeconds[owner.StepId] = e.Values?.GetValueOrDefault("duration_s") is > 0 and var measured
                            ? measured
                            : entry.StartedAtMs.TryGetValue(owner.StepId, out var began) ? Math.Max(0, NowMs() - began) / 1000.0 : 0;
                    }

                    Finish(entry, owner.StepId, instance, outcome, why, SizeAfter(entry, owner.StepId, outcome, step.MemoryLimitMiB, e.Values));
                    break;
            }

            await AdvanceAsync(entry, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A broker decision about a step's allocation: a queued step placed or timed out, a step moved.</summary>
    public async Task OnDecisionAsync(Decision decision, CancellationToken cancellationToken)
    {
        if (decision.InstanceId is not { } instance || decision.Kind is not (DecisionKind.Placement or DecisionKind.Queued or DecisionKind.Rejected or DecisionKind.Migration or DecisionKind.ScaleUp or DecisionKind.ScaleDown))
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_byInstance.TryGetValue(instance, out var owner) || !_runs.TryGetValue(owner.RunId, out var entry))
            {
                return;
            }

            var step = entry.Run.Step(owner.StepId);
            var memory = decision.Kind is DecisionKind.Placement or DecisionKind.Migration
                ? MemoryLimit(instance, decision.Resources?.MemoryMiB ?? step.MemoryLimitMiB ?? 0)
                : decision.Resources?.MemoryMiB ?? step.MemoryLimitMiB ?? 0;
            switch (decision.Kind)
            {
                case DecisionKind.Placement when step.State == WorkflowStepState.Queued && decision.NodeId is { } node:
                    entry.Run.MarkRunning(owner.StepId, node, instance, memory);
                    entry.StartedAtMs[owner.StepId] = NowMs();
                    LogStepPlaced(entry.Run.RunId, owner.StepId, node, decision.Reason);
                    break;
                case DecisionKind.Placement or DecisionKind.Migration when step.State == WorkflowStepState.Running && decision.NodeId is { } node && node != step.NodeId:
                    entry.Run.MovedTo(owner.StepId, node, memory);
                    LogStepMoved(entry.Run.RunId, owner.StepId, step.NodeId ?? "", node, decision.Reason);
                    break;
                case DecisionKind.ScaleUp or DecisionKind.ScaleDown when step.State == WorkflowStepState.Running && decision.Resources is not null:
                    // Resized in place: a later OOM raises the memory from the limit it had then.
                    entry.Run.MovedTo(owner.StepId, step.NodeId ?? decision.NodeId ?? "", memory);
                    break;
                case DecisionKind.Queued when step.State == WorkflowStepState.Running:
                    entry.Run.MarkQueued(owner.StepId, instance, decision.Reason);
                    break;
                case DecisionKind.Rejected when step.State is WorkflowStepState.Queued or WorkflowStepState.Running:
                    _byInstance.Remove(instance);
                    entry.Run.Fail(owner.StepId, decision.Reason);
                    break;
                default:
                    return;
            }

            Persist(entry);
            await AdvanceAsync(entry, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _gate.Dispose();
    }

    /// <summary>
    /// Places every ready step (each stored before the next is asked for, and released again when the store refuses
    /// it), then stores and publishes the run. Caller holds the lock.
    /// </summary>
    private async Task AdvanceAsync(RunEntry entry, CancellationToken cancellationToken)
    {
        var run = entry.Run;
        var wasFinished = entry.Reported;
        var ready = run.ReadySteps();
        if (ready.Count > 0)
        {
            // Forecasts revised (the ledger may have learned from a sibling since submission), then the plan.
            await PredictAsync(entry, ready, cancellationToken);
        }

        Replan(entry);
        var ordered = Ordered(entry, ready);
        var requests = ordered.Select(step => RequestFor(entry, step)).ToList();
        IReadOnlyList<AllocationOutcome> outcomes = requests.Count switch
        {
            0 => [],
            1 => [await _broker.AllocateAsync(requests[0], cancellationToken)],
            _ => await _broker.AllocateGroupAsync(requests, cancellationToken),
        };
        for (var k = 0; k < ordered.Count; k++)
        {
            var step = ordered[k];
            var outcome = outcomes[k];
            switch (outcome.Status)
            {
                case AllocationStatus.Placed:
                    _byInstance[outcome.AllocationId!] = (run.RunId, step.Id);
                    run.MarkRunning(step.Id, outcome.NodeId!, outcome.AllocationId!, MemoryLimit(outcome.AllocationId!, outcome.Resources?.MemoryMiB ?? 0));
                    entry.StartedAtMs[step.Id] = NowMs();
                    LogStepPlaced(run.RunId, step.Id, outcome.NodeId!, outcome.Reason);
                    break;
                case AllocationStatus.Queued:
                    _byInstance[outcome.AllocationId!] = (run.RunId, step.Id);
                    run.MarkQueued(step.Id, outcome.AllocationId, outcome.Reason);
                    LogStepQueued(run.RunId, step.Id, outcome.Reason);
                    break;
                default:
                    run.Fail(step.Id, $"no allocation: {outcome.Reason}");
                    LogStepRefused(run.RunId, step.Id, outcome.Reason);
                    break;
            }

            if (outcome.AllocationId is { } allocated && outcome.Status is AllocationStatus.Placed or AllocationStatus.Queued)
            {
                try
                {
                    Persist(entry);
                }
                catch (StateStoreException)
                {
                    // The step is back to waiting; what the broker reserved for it (and for the siblings placed with
                    // it but not stored yet) must not outlive that.
                    _byInstance.Remove(allocated);
                    await _broker.DeallocateAsync(allocated, cancellationToken);
                    foreach (var later in outcomes.Skip(k + 1).Where(o => o.AllocationId is not null && o.Status is AllocationStatus.Placed or AllocationStatus.Queued))
                    {
                        await _broker.DeallocateAsync(later.AllocationId!, cancellationToken);
                    }

                    throw;
                }
            }
        }

        MarkFinished(entry);
        Persist(entry);
        Replan(entry);
        if (run.IsFinished && !wasFinished)
        {
            entry.Reported = true;
            _metrics.Finished.Add(1, new KeyValuePair<string, object?>("state", run.State.ToString()));
            _volume.RecordDemand(run.Submission.WorkflowId, entry.CoreSeconds, entry.GiBSeconds);
            LogFinished(run.RunId, run.State.ToString(), (NowMs() - entry.SubmittedAtMs) / 1000.0);
            await PublishAsync(entry, cancellationToken);
            await TrimAsync(cancellationToken);
            return;
        }

        await PublishAsync(entry, cancellationToken);
    }

    /// <summary>A run that just finished gets its finishing time (stored with its next change); retention counts from it.</summary>
    private void MarkFinished(RunEntry entry)
    {
        if (entry.Run.IsFinished && entry.FinishedAtMs is null)
        {
            entry.FinishedAtMs = NowMs();
            entry.HeaderChanged = true;
        }
    }

    /// <summary>
    /// Deletes finished runs beyond <see cref="WorkflowOptions.KeepFinishedRuns"/> (oldest first) or finished longer
    /// than <see cref="WorkflowOptions.FinishedRunRetention"/> ago: from the store first, then from memory, then their
    /// retained status. When the store refuses, nothing is dropped (the next finish tries again). Caller holds the lock.
    /// </summary>
    private async Task TrimAsync(CancellationToken cancellationToken)
    {
        var cutoff = NowMs() - (long)_options.FinishedRunRetention.TotalMilliseconds;
        var finished = _runs.Values.Where(e => e.FinishedAtMs is not null).OrderByDescending(e => e.FinishedAtMs).ToList();
        var expired = finished.Skip(_options.KeepFinishedRuns).Concat(finished.Take(_options.KeepFinishedRuns).Where(e => e.FinishedAtMs < cutoff)).Select(e => e.Run.RunId).ToList();
        if (expired.Count == 0)
        {
            return;
        }

        try
        {
            _store.Delete(expired);
        }
        catch (StateStoreException ex)
        {
            _metrics.StoreFailures.Add(1);
            LogStoreFailed(string.Join(",", expired.Take(3)), ex.Message);
            return;
        }

        foreach (var id in expired)
        {
            _runs.Remove(id);
        }

        _metrics.Trimmed.Add(expired.Count);
        LogTrimmed(expired.Count, _runs.Count);
        if (_mqtt.IsConnected)
        {
            foreach (var id in expired)
            {
                // An empty retained message deletes the broker's retained status of the run.
                await _mqtt.Connection.PublishAsync(_topics.WorkflowStatus(id), [], retain: true, cancellationToken);
            }
        }
    }

    private void Finish(RunEntry entry, string stepId, string instance, StepOutcome outcome, string? reason, double? oomRetryMiB = null)
    {
        _byInstance.Remove(instance);
        var state = entry.Run.Complete(stepId, outcome, reason, oomRetryMiB);
        _metrics.Steps.Add(1, new KeyValuePair<string, object?>("outcome", outcome.ToString()));
        LogStepEnded(entry.Run.RunId, stepId, outcome.ToString(), state.ToString(), reason ?? "");
        Persist(entry);
    }

    /// <summary>The task sizer of <paramref name="componentId"/> (tests: what a restart restores), or null.</summary>
    internal TaskSizer? SizerOf(string componentId)
    {
        _gate.Wait();
        try
        {
            return _sizers.GetValueOrDefault(componentId);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Teaches the component's task sizer a successful step (its measured peak and duration); after an OOM kill at
    /// <paramref name="limitMiB"/>, the sizer's cost-chosen next size once it knows enough of the component's tasks.
    /// </summary>
    private double? SizeAfter(RunEntry entry, string stepId, StepOutcome outcome, double? limitMiB, IReadOnlyDictionary<string, double>? values)
    {
        var definition = entry.Run.Submission.Steps.FirstOrDefault(s => s.Id == stepId);
        if (definition is null)
        {
            return null;
        }

        var input = ProfileHints.Number(definition.Hints, ProfileHints.InputSizeBytes) ?? 0;
        if (outcome == StepOutcome.Succeeded && values?.GetValueOrDefault("peak_memory_mib") is > 0 and var peak)
        {
            if (!_sizers.TryGetValue(definition.ComponentId, out var sizer))
            {
                _sizers[definition.ComponentId] = sizer = new TaskSizer(_options.TaskSizerAttemptOverheadS, _options.TaskSizerMaxFailureRate);
            }

            if (sizer.Count >= MaxSizerTasks)
            {
                return null;
            }

            sizer.Size(input);
            sizer.Learn(peak, values.GetValueOrDefault("duration_s"), input);
            _sizerTasksStored[definition.ComponentId] = _sizerStore.Save(definition.ComponentId, sizer, _sizerTasksStored.GetValueOrDefault(definition.ComponentId));
            return null;
        }

        if (outcome == StepOutcome.OomKilled && limitMiB is { } last && _sizers.TryGetValue(definition.ComponentId, out var known) && known.Count >= MinTasksForCostRetry)
        {
            known.Size(input);
            return known.Retry(last);
        }

        return null;
    }

    /// <summary>
    /// The memory (MiB) the component's task sizer chooses for the step's first attempt (<see cref="TaskSizer.Size"/>
    /// for the step's input size), when <see cref="WorkflowOptions.FirstSizeFromTaskSizer"/> is on, the step is not a
    /// retry after an OOM kill (that one has its floor), the sizer has learned
    /// <see cref="WorkflowOptions.FirstSizeMinTasks"/> tasks and the step's input size lies within those tasks' input
    /// sizes; else null (the forecast sizes it). Caller holds the lock.
    /// </summary>
    private double? FirstSize(WorkflowRun run, WorkflowStep step)
    {
        if (!_options.FirstSizeFromTaskSizer || run.MemoryFloorMiB(step.Id) is not null
            || !_sizers.TryGetValue(step.ComponentId, out var sizer) || sizer.Count < _options.FirstSizeMinTasks)
        {
            return null;
        }

        var input = ProfileHints.Number(step.Hints, ProfileHints.InputSizeBytes) ?? 0;
        if (!_firstSizes.TryGetValue(step.ComponentId, out var known) || known.Count != sizer.Count || known.Input != input)
        {
            // Only within the input sizes it has learned. The sizer itself no longer scales a forecast below its learned
            // inputs, nor above them further than their span (TaskSizer.Forecaster.Prepare: the replay's blastall,
            // learned at 5.1 GB inputs, had been sized 32 MiB for 9.7 KB ones against 1.1 GiB peaks); outside the range
            // the forecaster, which sized such steps before, still does.
            var learned = sizer.Tasks;
            var inside = learned.Count > 0 && input >= learned.Min(t => t.InputBytes) && input <= learned.Max(t => t.InputBytes);
            var size = inside ? sizer.Size(input) : null;
            known = (sizer.Count, input, size is > 0 && double.IsFinite(size.Value) ? size : null);
            _firstSizes[step.ComponentId] = known;
        }

        return known.Size;
    }

    /// <summary>After a restart: steps whose allocation or queue entry no longer exists ended while the controller was away.</summary>
    private void Reconcile(RunEntry entry)
    {
        var queued = _broker.GetQueue().Select(q => q.AllocationId).ToHashSet(StringComparer.Ordinal);
        foreach (var step in entry.Run.Snapshot())
        {
            if (step.InstanceId is not { } id)
            {
                continue;
            }

            var gone = step.State switch
            {
                WorkflowStepState.Running => _broker.FindAllocation(id) is not { State: AllocationState.Active },
                WorkflowStepState.Queued => !queued.Contains(id) && _broker.FindAllocation(id) is null,
                _ => false,
            };
            if (gone)
            {
                // Its allocation was released before the restart, so it is not running anywhere: run it again.
                Finish(entry, step.StepId, id, StepOutcome.Lost, "its outcome was lost across a controller restart");
            }
            else if (step.State == WorkflowStepState.Queued && _broker.FindAllocation(id) is { State: AllocationState.Active } placed)
            {
                entry.Run.MarkRunning(step.StepId, placed.NodeId, id, (placed.Limits ?? placed.Resources).MemoryMiB);
            }
        }
    }

    /// <summary>
    /// The hints the profile source sees for a step: the step's own, its workflow, name, command line, the memory floor
    /// after an OOM kill, and (<see cref="WorkflowOptions.FirstSizeFromTaskSizer"/>) the task sizer's first size.
    /// Caller holds the lock.
    /// </summary>
    private Dictionary<string, string> ProfileHintsFor(WorkflowRun run, WorkflowStep step)
    {
        var hints = new Dictionary<string, string>(step.Hints, StringComparer.Ordinal)
        {
            [ProfileHints.Workflow] = run.Submission.WorkflowId,
            [ProfileHints.Step] = step.Id,
            [ProfileHints.Command] = step.Args.Count == 0 ? step.Command : $"{step.Command} {string.Join(' ', step.Args)}",
        };
        if (run.MemoryFloorMiB(step.Id) is { } floor)
        {
            hints[ProfileHints.MemoryFloorMiB] = floor.ToString("0.###", CultureInfo.InvariantCulture);
        }

        // Set by the service only (a submission cannot claim the critical path or a sizer's size for itself).
        hints.Remove(ProfileHints.SizerMemoryMiB);
        if (FirstSize(run, step) is { } sized)
        {
            hints[ProfileHints.SizerMemoryMiB] = sized.ToString("0.###", CultureInfo.InvariantCulture);
        }

        hints.Remove(PlanHints.Critical);
        hints.Remove(PlanHints.PackCpuShare);
        hints.Remove(PlanHints.DurationSeconds);
        return hints;
    }

    private AllocationRequest RequestFor(RunEntry entry, WorkflowStep step)
    {
        var run = entry.Run;
        var hints = ProfileHintsFor(run, step);
        if (entry.Plan?.Steps.TryGetValue(step.Id, out var slot) == true)
        {
            if (slot.Critical)
            {
                hints[PlanHints.Critical] = "true";
            }

            // A critical step is never packed alone; in a group it may be, when that is what lets its siblings run beside it.
            if (entry.Predictions.TryGetValue(step.Id, out var prediction) && prediction.PackShare < 1)
            {
                hints[PlanHints.PackCpuShare] = prediction.PackShare.ToString("0.###", CultureInfo.InvariantCulture);
            }

            if (entry.PlannedDuration.TryGetValue(step.Id, out var planned))
            {
                hints[PlanHints.DurationSeconds] = planned.Seconds.ToString("0.###", CultureInfo.InvariantCulture);
            }
        }

        var labels = step.Hints.Where(h => h.Key.StartsWith(LabelHintPrefix, StringComparison.Ordinal))
            .ToDictionary(h => h.Key[LabelHintPrefix.Length..], h => h.Value, StringComparer.Ordinal);
        return new AllocationRequest
        {
            ComponentId = step.ComponentId,
            WorkflowRunId = run.RunId,
            Priority = ProfileHints.Number(step.Hints, "priority") is { } priority ? (int)priority : 0,
            RequiredLabels = labels.Count > 0 ? labels : null,
            Hints = hints,
            Executable = step.Command,
            Args = step.Args,
            Env = step.Env,
            Migratable = step.Migratable,
        };
    }

    /// <summary>
    /// Predicts the steps (profile from the profile source, duration from the feedback ledger) and keeps the
    /// predictions with the run; a profile source that fails for one step leaves that step without a prediction
    /// (it is predicted again when it is placed). Caller holds the lock.
    /// </summary>
    private async Task PredictAsync(RunEntry entry, IEnumerable<WorkflowStep> steps, CancellationToken cancellationToken)
    {
        foreach (var step in steps)
        {
            PredictionProfile? profile;
            try
            {
                profile = await _profiles.GetProfileAsync(step.ComponentId, entry.Run.RunId, ProfileHintsFor(entry.Run, step), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPredictionFailed(entry.Run.RunId, step.Id, ex.Message);
                continue;
            }

            if (profile is null)
            {
                continue;
            }

            var (seconds, source) = PredictedDuration(step.ComponentId);
            var packable = profile.ConfidenceInterval.Level > 0 && !profile.Model.StartsWith("fixed", StringComparison.Ordinal);
            entry.Predictions[step.Id] = new StepPrediction(step.Id, profile, seconds, source, packable ? _options.PackCpuShare : 1);
        }
    }

    /// <summary>
    /// A component's predicted duration: the median wall time of its recorded successful runs (the feedback ledger
    /// keeps each component's latest 500), or NaN (planned with the run's default) when it has none.
    /// </summary>
    private (double Seconds, string Source) PredictedDuration(string componentId)
    {
        var durations = _ledger.LatestRuns(componentId)
            .Where(r => r.Outcome == RunOutcomes.Succeeded && r.DurationSeconds > 0 && double.IsFinite(r.DurationSeconds))
            .Select(r => r.DurationSeconds).Order().ToArray();
        if (durations.Length == 0)
        {
            return (double.NaN, DurationDefault);
        }

        var n = durations.Length;
        return (n % 2 == 1 ? durations[n / 2] : (durations[(n / 2) - 1] + durations[n / 2]) / 2, DurationHistory);
    }

    private const string DurationHistory = "history";
    private const string DurationDefault = "default";
    private const string DurationRunning = "running";
    private const string DurationActual = "actual";

    /// <summary>
    /// Recomputes the run's plan (<see cref="WorkflowPlanner"/>): a step that succeeded counts with its actual
    /// duration, a running one with the larger of its prediction and its elapsed time, the others with their
    /// prediction (the run's median known prediction, else <see cref="WorkflowOptions.DefaultStepDuration"/>, when
    /// their component has no recorded run). Caller holds the lock.
    /// </summary>
    private void Replan(RunEntry entry)
    {
        var run = entry.Run;
        var known = entry.Predictions.Values.Where(p => double.IsFinite(p.DurationSeconds)).Select(p => p.DurationSeconds).Order().ToArray();
        var fallback = known.Length > 0 ? known[known.Length / 2] : _options.DefaultStepDuration.TotalSeconds;
        var now = NowMs();
        var inputs = new List<WorkflowPlanner.Input>(run.Submission.Steps.Count);
        entry.PlannedDuration.Clear();
        foreach (var step in run.Submission.Steps)
        {
            var predicted = entry.Predictions.TryGetValue(step.Id, out var p) && double.IsFinite(p.DurationSeconds) ? (p.DurationSeconds, p.DurationSource) : (fallback, DurationDefault);
            var state = run.Step(step.Id).State;
            var duration = predicted;
            if (state == WorkflowStepState.Succeeded && entry.ActualSeconds.TryGetValue(step.Id, out var actual))
            {
                duration = (actual, DurationActual);
            }
            else if (state == WorkflowStepState.Running && entry.StartedAtMs.TryGetValue(step.Id, out var began) && (now - began) / 1000.0 > predicted.Item1)
            {
                duration = ((now - began) / 1000.0, DurationRunning);
            }

            entry.PlannedDuration[step.Id] = duration;
            inputs.Add(new WorkflowPlanner.Input(step.Id, step.DependsOn ?? [], duration.Item1));
        }

        entry.Plan = WorkflowPlanner.Compute(inputs);
    }

    /// <summary>
    /// Ready steps in the order the broker should serve them: the critical path first, then least slack, then the
    /// longest predicted duration (the critical-path list-scheduling priority), then submission order.
    /// </summary>
    private static List<WorkflowStep> Ordered(RunEntry entry, IReadOnlyList<WorkflowStep> ready)
    {
        if (entry.Plan is not { } plan || ready.Count < 2)
        {
            return [.. ready];
        }

        var position = entry.Run.Submission.Steps.Select((s, i) => (s.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        return [.. ready.OrderByDescending(s => plan.Steps.TryGetValue(s.Id, out var slot) && slot.Critical)
            .ThenBy(s => plan.Steps.TryGetValue(s.Id, out var slot) ? slot.Slack : double.MaxValue)
            .ThenByDescending(s => entry.PlannedDuration.TryGetValue(s.Id, out var d) ? d.Seconds : 0)
            .ThenBy(s => position[s.Id])];
    }

    /// <summary>The memory limit the instance was started with (its burst limit when it has one), for the OOM retry's floor.</summary>
    private double MemoryLimit(string allocationId, double reserved) =>
        _broker.FindAllocation(allocationId) is { Limits: { } limits } ? limits.MemoryMiB : reserved;

    /// <summary>Step hints <c>label.{key}</c> = value become required node labels.</summary>
    public const string LabelHintPrefix = "label.";

    /// <summary>
    /// Stores the steps that changed since the last store (and the run's header) in one transaction. When the store
    /// refuses, the steps go back to their stored state, the failure is logged and counted, and the exception thrown.
    /// </summary>
    private void Persist(RunEntry entry)
    {
        if (!entry.Run.HasChanges && !entry.HeaderChanged)
        {
            return;
        }

        var now = NowMs();
        try
        {
            _store.Update(Header(entry) with { UpdatedAtMs = now }, entry.Run.PendingChanges());
        }
        catch (StateStoreException ex)
        {
            entry.Run.RevertChanges();
            if (entry.FinishedAtMs is not null && !entry.Run.IsFinished)
            {
                entry.FinishedAtMs = null;
            }

            _metrics.StoreFailures.Add(1);
            LogStoreFailed(entry.Run.RunId, ex.Message);
            throw;
        }

        entry.Run.AcceptChanges();
        entry.HeaderChanged = false;
        entry.UpdatedAtMs = now;
    }

    private static RunHeader Header(RunEntry entry) => new()
    {
        RunId = entry.Run.RunId,
        SubmittedAtMs = entry.SubmittedAtMs,
        UpdatedAtMs = entry.UpdatedAtMs,
        FinishedAtMs = entry.FinishedAtMs,
    };

    private async Task PublishAsync(RunEntry entry, CancellationToken cancellationToken)
    {
        if (!_mqtt.IsConnected)
        {
            return;
        }

        var payload = PayloadCodec.Encode(Status(entry), EdgeJsonContext.Default.WorkflowRunStatus);
        await _mqtt.Connection.PublishAsync(_topics.WorkflowStatus(entry.Run.RunId), payload, retain: true, cancellationToken);
    }

    private static WorkflowRunStatus Status(RunEntry entry)
    {
        var status = entry.Run.ToStatus(entry.UpdatedAtMs);
        if (entry.Plan is not { } plan)
        {
            return status;
        }

        return status with
        {
            Steps = [.. status.Steps.Select(s => entry.Predictions.TryGetValue(s.StepId, out var p) && plan.Steps.TryGetValue(s.StepId, out var slot)
                ? s with { Forecast = ForecastOf(entry, p, slot) }
                : s)],
            CriticalPath = plan.CriticalPath,
            PredictedMakespanSeconds = Math.Round(plan.MakespanSeconds, 3),
        };
    }

    private static StepForecast ForecastOf(RunEntry entry, StepPrediction p, WorkflowPlanner.Slot slot)
    {
        var profile = p.Profile;
        var interval = profile.ConfidenceInterval;
        var (seconds, source) = entry.PlannedDuration.GetValueOrDefault(p.StepId, (p.DurationSeconds, p.DurationSource));
        return new StepForecast(
            Math.Round(profile.Cpu, 1), Math.Round(profile.Memory, 1), Math.Round(profile.NetworkBandwidth, 1),
            Math.Round(interval.Cpu.Lower, 1), Math.Round(interval.Cpu.Upper, 1), Math.Round(interval.Memory.Lower, 1), Math.Round(interval.Memory.Upper, 1),
            interval.Level, profile.Model, Math.Round(seconds, 3), source,
            Math.Round(slot.EarliestStart, 3), Math.Round(slot.Slack, 3), slot.Critical,
            p.PackShare < 1 ? Math.Round(profile.Cpu * p.PackShare, 1) : null);
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Explicit JSON nulls for optional lists and maps become empty ones.</summary>
    private static WorkflowSubmission Normalized(WorkflowSubmission submission) => submission.Steps is null ? submission : submission with
    {
        Steps = [.. submission.Steps.Select(s => s with
        {
            Args = s.Args ?? [],
            Env = s.Env ?? new Dictionary<string, string>(),
            DependsOn = s.DependsOn ?? [],
            Hints = s.Hints ?? new Dictionary<string, string>(),
        })],
    };

    private static string NewRunId(string workflowId) =>
        $"{(IdValidator.IsValidSegment(workflowId, out _) ? workflowId : "run")}-{Guid.NewGuid().ToString("N")[..8]}";

    private sealed class RunEntry(WorkflowRun run, long submittedAtMs)
    {
        public WorkflowRun Run { get; } = run;
        public long SubmittedAtMs { get; } = submittedAtMs;
        public bool Reported { get; set; } = run.IsFinished;

        /// <summary>When the run last changed (its status's <c>updatedAtMs</c>).</summary>
        public long UpdatedAtMs { get; set; } = submittedAtMs;

        /// <summary>When the run finished (null while it runs): retention counts from here.</summary>
        public long? FinishedAtMs { get; set; }

        /// <summary>The header changed (it finished) and is not stored yet.</summary>
        public bool HeaderChanged { get; set; }
        /// <summary>Each step's latest prediction (from submission on; revised when it becomes ready).</summary>
        public Dictionary<string, StepPrediction> Predictions { get; } = new(StringComparer.Ordinal);

        /// <summary>The duration each step counts with in the current plan, and its source.</summary>
        public Dictionary<string, (double Seconds, string Source)> PlannedDuration { get; } = new(StringComparer.Ordinal);

        /// <summary>When each step's current attempt was placed (this controller's lifetime only).</summary>
        public Dictionary<string, long> StartedAtMs { get; } = new(StringComparer.Ordinal);

        /// <summary>Measured wall seconds of the steps that succeeded.</summary>
        public Dictionary<string, double> ActualSeconds { get; } = new(StringComparer.Ordinal);

        public WorkflowPlanner.Plan? Plan { get; set; }
        public double CoreSeconds { get; private set; }
        public double GiBSeconds { get; private set; }

        public void AddDemand(IReadOnlyDictionary<string, double>? values)
        {
            if (values is null)
            {
                return;
            }

            CoreSeconds += values.GetValueOrDefault("cpu_seconds");
            GiBSeconds += values.GetValueOrDefault("peak_memory_mib") / 1024 * values.GetValueOrDefault("duration_s");
        }
    }
}

/// <summary>A step's prediction: the profile it is expected to reserve, its predicted duration (NaN when unknown) and source, and the CPU share it may be packed to.</summary>
internal sealed record StepPrediction(string StepId, PredictionProfile Profile, double DurationSeconds, string DurationSource, double PackShare);
