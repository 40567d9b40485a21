namespace Edge.Models.Backtest.Sizing;

/// <summary>A task-sizing method of the sizing backtest (<see cref="SizingBacktest"/>): one fresh sizer per task type and split.</summary>
public interface ISizingMethod
{
    /// <summary>Short name for the command line and reports, e.g. <c>tovar</c>.</summary>
    string Name { get; }

    /// <summary>A sizer that has learned from <paramref name="history"/> (the 30% history part of one task type).</summary>
    ISizer Create(IReadOnlyList<SizingTask> history, SizingContext context);
}

/// <summary>
/// Sizes one task type online: <see cref="Size"/> before each task runs, <see cref="Retry"/> after an attempt was
/// killed for using more memory than it had, <see cref="Learn"/> once it finished. All sizes in MiB.
/// </summary>
public interface ISizer
{
    double Size(SizingTask task);

    /// <summary>The next size after attempt <paramref name="attempt"/> (1-based) failed at <paramref name="failedMiB"/>.</summary>
    double Retry(SizingTask task, double failedMiB, int attempt);

    void Learn(SizingTask task);
}

/// <summary>What every method may know about the cluster: the largest allocation a node offers (MiB).</summary>
public sealed record SizingContext(double NodeMemoryMiB, double DefaultPresetMiB);
