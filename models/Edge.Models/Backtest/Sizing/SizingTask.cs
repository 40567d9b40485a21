namespace Edge.Models.Backtest.Sizing;

/// <summary>
/// One finished workflow task as the sizing backtest sees it: its workflow, its task type (the Nextflow process or
/// WfInstances task name), its peak memory (MiB), runtime (s), input size (bytes read, e.g. Nextflow's <c>rchar</c>;
/// 0 when unknown) and the memory its author requested (MiB; null when the trace does not say).
/// </summary>
public sealed record SizingTask(string Workflow, string TaskType, double PeakMiB, double RuntimeS, double InputBytes, double? RequestedMiB = null);
