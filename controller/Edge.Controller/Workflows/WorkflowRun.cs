using Edge.Common.Contracts;

namespace Edge.Controller.Workflows;

/// <summary>
/// The state of one workflow run: which steps are pending, running, done or failed, attempts, and the memory floor
/// raised after an OOM kill. Not thread-safe: one run is driven by one caller at a time.
/// </summary>
internal sealed class WorkflowRun
{
    private readonly Dictionary<string, StepState> _steps;
    private readonly WorkflowRetryPolicy _policy;

    /// <summary>Steps changed since the last <see cref="AcceptChanges"/>, each with its state before the first change.</summary>
    private readonly Dictionary<string, StepSnapshot> _before = new(StringComparer.Ordinal);

    public WorkflowRun(string runId, WorkflowSubmission submission, WorkflowRetryPolicy policy)
    {
        RunId = runId;
        Submission = submission;
        _policy = policy;
        _steps = submission.Steps.ToDictionary(s => s.Id, s => new StepState(s), StringComparer.Ordinal);
    }

    public string RunId { get; }

    public WorkflowSubmission Submission { get; }

    public WorkflowStepState State
    {
        get
        {
            if (_steps.Values.Any(s => s.State == WorkflowStepState.Failed))
            {
                return _steps.Values.Any(s => s.State is WorkflowStepState.Running) ? WorkflowStepState.Running : WorkflowStepState.Failed;
            }

            if (_steps.Values.All(s => s.State == WorkflowStepState.Succeeded))
            {
                return WorkflowStepState.Succeeded;
            }

            if (_steps.Values.All(s => s.State == WorkflowStepState.Cancelled || s.State == WorkflowStepState.Succeeded))
            {
                return WorkflowStepState.Cancelled;
            }

            return _steps.Values.Any(s => s.State != WorkflowStepState.Pending) ? WorkflowStepState.Running : WorkflowStepState.Pending;
        }
    }

    public bool IsFinished => State is WorkflowStepState.Succeeded or WorkflowStepState.Failed or WorkflowStepState.Cancelled;

    /// <summary>Steps whose dependencies all succeeded and that are waiting to be placed (first attempt or a retry).</summary>
    public IReadOnlyList<WorkflowStep> ReadySteps()
    {
        var ready = new List<WorkflowStep>();
        if (_steps.Values.Any(s => s.State == WorkflowStepState.Failed))
        {
            return ready;
        }

        foreach (var step in _steps.Values)
        {
            if (step.State is WorkflowStepState.Pending or WorkflowStepState.Retrying &&
                (step.Step.DependsOn ?? []).All(d => _steps[d].State == WorkflowStepState.Succeeded))
            {
                ready.Add(step.Step);
            }
        }

        return ready;
    }

    /// <summary>Memory floor for the step's next attempt, raised after an OOM kill; null before any.</summary>
    public double? MemoryFloorMiB(string stepId) => _steps[stepId].MemoryFloorMiB;

    public int Attempt(string stepId) => _steps[stepId].Attempt;

    public void MarkQueued(string stepId, string reason) => MarkQueued(stepId, null, reason);

    /// <summary>The step waits in the broker's queue under <paramref name="queueId"/> (which becomes its instance id when placed).</summary>
    public void MarkQueued(string stepId, string? queueId, string reason)
    {
        var step = Touch(stepId);
        step.State = WorkflowStepState.Queued;
        step.InstanceId = queueId;
        step.Reason = reason;
    }

    /// <summary>The step's instance was moved to another node (migration or node loss); same attempt.</summary>
    public void MovedTo(string stepId, string nodeId, double memoryLimitMiB)
    {
        var step = Touch(stepId);
        step.NodeId = nodeId;
        step.MemoryLimitMiB = memoryLimitMiB;
    }

    /// <summary>The step's current state, node, instance and attempt.</summary>
    public StepSnapshot Step(string stepId)
    {
        var s = _steps[stepId];
        return new StepSnapshot(s.Step.Id, s.State, s.Attempt, s.NodeId, s.InstanceId, s.Reason, s.MemoryLimitMiB, s.MemoryFloorMiB);
    }

    /// <summary>Every step's state, for the journal.</summary>
    public IReadOnlyList<StepSnapshot> Snapshot() => [.. Submission.Steps.Select(s => Step(s.Id))];

    /// <summary>Puts steps back as a snapshot recorded them (after a restart).</summary>
    public void Restore(IEnumerable<StepSnapshot> snapshot)
    {
        foreach (var saved in snapshot)
        {
            if (_steps.TryGetValue(saved.StepId, out var step))
            {
                step.State = saved.State;
                step.Attempt = saved.Attempt;
                step.NodeId = saved.NodeId;
                step.InstanceId = saved.InstanceId;
                step.Reason = saved.Reason;
                step.MemoryLimitMiB = saved.MemoryLimitMiB;
                step.MemoryFloorMiB = saved.MemoryFloorMiB;
            }
        }
    }

    public void MarkRunning(string stepId, string nodeId, string instanceId, double memoryLimitMiB)
    {
        var step = Touch(stepId);
        step.State = WorkflowStepState.Running;
        step.NodeId = nodeId;
        step.InstanceId = instanceId;
        step.MemoryLimitMiB = memoryLimitMiB;
        step.Attempt++;
        step.Reason = null;
    }

    /// <summary>
    /// Records how the current attempt ended; returns the step's new state (Retrying when it will run again). After an
    /// OOM kill the next attempt's memory floor is <paramref name="oomRetryMiB"/> when the caller has a cost-chosen
    /// size (Edge's task sizer, <see cref="Edge.Models.Forecasting.TaskSizer"/>), else the fixed rule (× the OOM
    /// factor); never less than the limit that failed plus the minimum extra.
    /// </summary>
    public WorkflowStepState Complete(string stepId, StepOutcome outcome, string? reason, double? oomRetryMiB = null)
    {
        var step = Touch(stepId);
        if (outcome == StepOutcome.Succeeded)
        {
            step.State = WorkflowStepState.Succeeded;
            step.Reason = null;
            return step.State;
        }

        if (outcome == StepOutcome.OomKilled && step.MemoryLimitMiB is { } last)
        {
            var next = oomRetryMiB is { } chosen && double.IsFinite(chosen) ? chosen : last * _policy.OomMemoryFactor;
            step.MemoryFloorMiB = Math.Max(next, last + _policy.OomMinimumExtraMiB);
        }

        step.Reason = reason;
        step.State = step.Attempt < _policy.MaxAttempts ? WorkflowStepState.Retrying : WorkflowStepState.Failed;
        if (step.State == WorkflowStepState.Failed)
        {
            step.Reason = $"{reason} (attempt {step.Attempt} of {_policy.MaxAttempts})";
        }

        return step.State;
    }

    /// <summary>The step cannot run at all (no node could ever hold it, or it was refused): the run fails, no retry.</summary>
    public void Fail(string stepId, string reason)
    {
        var step = Touch(stepId);
        step.State = WorkflowStepState.Failed;
        step.Reason = reason;
    }

    public void Cancel(string reason)
    {
        foreach (var step in _steps.Values.Where(s => s.State is not (WorkflowStepState.Succeeded or WorkflowStepState.Failed)))
        {
            Touch(step.Step.Id);
            step.State = WorkflowStepState.Cancelled;
            step.Reason = reason;
        }
    }

    /// <summary>Whether any step changed since the last <see cref="AcceptChanges"/>.</summary>
    public bool HasChanges => _before.Count > 0;

    /// <summary>The steps changed since the last <see cref="AcceptChanges"/> (what the store must write), as they are now.</summary>
    public IReadOnlyCollection<StepSnapshot> PendingChanges() => [.. _before.Keys.Select(Step)];

    /// <summary>The pending changes were stored: they become the state to revert to.</summary>
    public void AcceptChanges() => _before.Clear();

    /// <summary>The pending changes could not be stored: every changed step goes back to its state before them.</summary>
    public void RevertChanges()
    {
        Restore(_before.Values);
        _before.Clear();
    }

    public WorkflowRunStatus ToStatus(long nowMs) => new()
    {
        RunId = RunId,
        WorkflowId = Submission.WorkflowId,
        State = State,
        UpdatedAtMs = nowMs,
        Steps = Submission.Steps.Select(s => _steps[s.Id]).Select(s => new WorkflowStepStatus(s.Step.Id, s.State, s.NodeId, s.InstanceId, s.Attempt, s.Reason)).ToList(),
    };

    private StepState Touch(string stepId)
    {
        var step = _steps[stepId];
        _before.TryAdd(stepId, Step(stepId));
        return step;
    }

    private sealed class StepState(WorkflowStep step)
    {
        public WorkflowStep Step { get; } = step;
        public WorkflowStepState State { get; set; } = WorkflowStepState.Pending;
        public int Attempt { get; set; }
        public string? NodeId { get; set; }
        public string? InstanceId { get; set; }
        public string? Reason { get; set; }
        public double? MemoryLimitMiB { get; set; }
        public double? MemoryFloorMiB { get; set; }
    }
}
