using Edge.Models.Forecasting;

namespace Edge.Models.Backtest.Sizing;

/// <summary>
/// <c>edge-sizing</c>: the backtest's adapter of Edge's cost-chosen task sizer (<see cref="TaskSizer"/>): one sizer per
/// task type, fed the history first, then sizing, retrying and learning online. With an attempt overhead
/// (<see cref="TaskSizer(double, double)"/>: a killed attempt also costs its allocation for that many seconds) it is
/// <c>edge-sizing-restart</c>; the backtest's wastage is the papers' either way. With a failure budget below 1
/// (<see cref="TaskSizer(double, double)"/>: every attempt sized at least at the split-conformal bound a task exceeds with
/// probability at most that budget) the name gains <c>-budget</c>.
/// </summary>
public sealed class EdgeSizingMethod(double attemptOverheadS = 0, double maxFailureRate = 1) : ISizingMethod
{
    /// <summary>The overhead of <c>edge-sizing-restart</c>: a minute per killed attempt (chosen on the tuning seeds, docs/backtest-nextflow.md).</summary>
    public const double RestartOverheadS = 60;

    /// <summary>The failure budget of the <c>-budget</c> methods when the backtest is not given one (chosen on the tuning seeds, docs/backtest-nextflow.md).</summary>
    public const double DefaultBudget = 0.1;

    public string Name => (attemptOverheadS > 0 ? "edge-sizing-restart" : "edge-sizing") + (maxFailureRate < 1 ? "-budget" : "");

    public ISizer Create(IReadOnlyList<SizingTask> history, SizingContext context)
    {
        var sizer = new Sizer(new TaskSizer(attemptOverheadS, maxFailureRate), context);
        foreach (var task in history)
        {
            sizer.Size(task);
            sizer.Learn(task);
        }

        return sizer;
    }

    private sealed class Sizer(TaskSizer sizer, SizingContext context) : ISizer
    {
        public double Size(SizingTask task) => sizer.Size(task.InputBytes) ?? task.RequestedMiB ?? context.DefaultPresetMiB;

        public double Retry(SizingTask task, double failedMiB, int attempt) => sizer.Retry(failedMiB);

        public void Learn(SizingTask task) => sizer.Learn(task.PeakMiB, task.RuntimeS, task.InputBytes);
    }
}
