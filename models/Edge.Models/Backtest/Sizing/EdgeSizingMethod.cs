using Edge.Models.Forecasting;

namespace Edge.Models.Backtest.Sizing;

/// <summary>
/// <c>edge-sizing</c>: the backtest's adapter of Edge's cost-chosen task sizer (<see cref="TaskSizer"/>): one sizer per
/// task type, fed the history first, then sizing, retrying and learning online.
/// </summary>
public sealed class EdgeSizingMethod : ISizingMethod
{
    public string Name => "edge-sizing";

    public ISizer Create(IReadOnlyList<SizingTask> history, SizingContext context)
    {
        var sizer = new Sizer(new TaskSizer(), context);
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
