namespace Edge.Controller.Workflows;

/// <summary>How workflow runs are accepted and driven (section <c>Controller:Workflows</c>).</summary>
internal sealed record WorkflowOptions
{
    public const string SectionName = "Controller:Workflows";

    /// <summary>
    /// Commands a step may run (absolute paths, compared exactly; a trailing <c>/*</c> allows a directory). Agents
    /// check their own allow-list too; this one refuses a workflow before anything of it runs.
    /// </summary>
    public IReadOnlyList<string> AllowedCommands { get; init; } = Placement.LaunchPolicy.DefaultCommands;

    /// <summary>
    /// Environment variable names or patterns (<c>APP_*</c>) a step or allocation may set; <c>*</c> (the default)
    /// accepts every name not on <see cref="Common.Contracts.EnvironmentPolicy"/>'s deny list (<c>LD_*</c>,
    /// <c>DOTNET_*</c>, <c>PYTHON*</c>, ...). A denied name is let through only when written out here exactly.
    /// Empty means <c>*</c> (a default list would be appended to, not replaced, by binding).
    /// </summary>
    public IReadOnlyList<string> AllowedEnvironment { get; init; } = [];

    /// <summary>Attempts per step, the first included.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>After an OOM kill, the next attempt's memory is the last limit times this…</summary>
    public double OomMemoryFactor { get; init; } = 1.5;

    /// <summary>…and at least this much more (MiB).</summary>
    public double OomMinimumExtraMiB { get; init; } = 64;

    /// <summary>Finished runs kept in the store, in memory and in the API; the oldest beyond it are deleted.</summary>
    public int KeepFinishedRuns { get; init; } = 1000;

    /// <summary>How long a finished run is kept at most (it is deleted, and its retained status cleared, after it).</summary>
    public TimeSpan FinishedRunRetention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How far ahead the volume forecast looks.</summary>
    public TimeSpan VolumeHorizon { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How often the volume projection is recomputed and published.</summary>
    public TimeSpan VolumePeriod { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Workflows submitted on a fixed period elsewhere, known ahead of time (for the volume forecast).</summary>
    public IReadOnlyList<ScheduledWorkflow> Scheduled { get; init; } = [];

    /// <summary>
    /// A step's predicted duration when its component has no recorded run and no other step of the run is known
    /// (the critical path then counts steps).
    /// </summary>
    public TimeSpan DefaultStepDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Parallel siblings off the critical path may be reserved with this share of their forecast CPU (never of their
    /// memory) so that they run together instead of one after another; 1 turns packing off. Only forecasts that claim
    /// an interval (level above 0: not the fallback, not fixed or hinted sizes) are packed.
    /// </summary>
    public double PackCpuShare { get; init; } = 0.75;

    /// <summary>
    /// A step's first memory limit from its component's task sizer (the cost-chosen size of Tovar et al., Witt et al.
    /// and Sizey that already sizes retries after an OOM kill, <see cref="Edge.Models.Forecasting.TaskSizer"/>) once
    /// that sizer has learned <see cref="FirstSizeMinTasks"/> of the component's successful tasks, instead of the
    /// forecaster's memory; never below the step's own <c>memoryMiB</c> hint or the configured floors. The step's
    /// forecast in the API then names the model <c>{model}+sizer</c>. Off: the forecaster sizes every first attempt.
    /// </summary>
    public bool FirstSizeFromTaskSizer { get; init; }

    /// <summary>Successful tasks a component's task sizer must have learned before it sets first sizes (at least 1).</summary>
    public int FirstSizeMinTasks { get; init; } = 5;

    /// <summary>
    /// Seconds a killed attempt costs the task sizers beyond its runtime, at its allocation (rescheduling, queueing,
    /// starting again: <see cref="Edge.Models.Forecasting.TaskSizer(double, double)"/>); 0, the default, is the workflow papers'
    /// wastage. A positive value makes kills of short steps costly, so sizes fail less (docs/backtest-nextflow.md,
    /// <c>edge-sizing-restart</c>: 60). Sizers restored after a restart take the current value; the selection state
    /// they kept was scored under the value they ran with.
    /// </summary>
    public double TaskSizerAttemptOverheadS { get; init; }

    /// <summary>
    /// The task sizers' failure budget, above 0 and at most 1: every attempt (first size and each retry after an OOM
    /// kill) is sized at least at the split-conformal bound a step exceeds with probability at most this, and a
    /// component's sizer follows only variants whose failures so far stay within it
    /// (<see cref="Edge.Models.Forecasting.TaskSizer(double, double)"/>; docs/backtest-nextflow.md, <c>edge-sizing-budget</c>).
    /// 1, the default, is no budget. Sizers restored after a restart take the current value.
    /// </summary>
    public double TaskSizerMaxFailureRate { get; init; } = 1;

    public WorkflowRetryPolicy RetryPolicy => new(MaxAttempts, OomMemoryFactor, OomMinimumExtraMiB);

    /// <summary>The one check every start passes (see <see cref="Placement.LaunchPolicy"/>).</summary>
    public Placement.LaunchPolicy LaunchPolicy => new(AllowedCommands, new Common.Contracts.EnvironmentPolicy { Allowed = AllowedEnvironment.Count > 0 ? AllowedEnvironment : ["*"] });

    public bool IsAllowed(string command) => LaunchPolicy.IsCommandAllowed(command);
}

/// <summary>A workflow submitted every <see cref="Every"/> by something outside Edge (cron, a pipeline).</summary>
internal sealed record ScheduledWorkflow
{
    public string WorkflowId { get; init; } = "";
    public TimeSpan Every { get; init; }
}
