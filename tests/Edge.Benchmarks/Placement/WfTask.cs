namespace Edge.Benchmarks.Placement;

/// <summary>One task of a WfInstances workflow, with what it actually used.</summary>
/// <param name="Component">Family and task name without its numeric suffix, e.g. <c>makeflow/blast/blastall</c>.</param>
/// <param name="RuntimeSeconds">runtimeInSeconds.</param>
/// <param name="CpuMillicores">avgCPU (%) × 10: the average cores busy, in millicores.</param>
/// <param name="MemoryMiB">memoryInBytes / 2^20 (peak resident set); 0 when the source lacks it.</param>
/// <param name="Parents">Indexes of the parent tasks in the workflow.</param>
internal sealed record WfTask(string Component, double RuntimeSeconds, double CpuMillicores, double MemoryMiB, int[] Parents);
