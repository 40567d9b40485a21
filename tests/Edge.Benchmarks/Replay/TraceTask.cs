namespace Edge.Benchmarks.Replay;

/// <summary>One task of a WfInstances workflow instance, with what it used and the slot it had on the trace's machine.</summary>
/// <param name="Id">The task id (e.g. <c>bowtie2_ID0000003</c>), the step id.</param>
/// <param name="Component">Family and task name without its <c>_ID</c> suffix, e.g. <c>pegasus/srasearch/bowtie2</c>.</param>
/// <param name="RuntimeS">runtimeInSeconds.</param>
/// <param name="CpuCores">avgCPU / 100: the cores the task kept busy on average.</param>
/// <param name="MemoryMiB">memoryInBytes / 2^20: the task's resident set (its peak).</param>
/// <param name="InputBytes">Sum of the sizes of its input files.</param>
/// <param name="Parents">Ids of the tasks it depends on.</param>
/// <param name="SlotCores">The static limit: the task's <c>coreCount</c> (Makeflow), else one core (an HTCondor slot).</param>
/// <param name="SlotMemoryMiB">The static limit: the machine's memory times <paramref name="SlotCores"/> / its cores.</param>
/// <param name="ReadMbps">Network demand received: the bytes it read over its runtime (at least 1 s), Mbps (<see cref="TraceLoader"/>).</param>
/// <param name="WriteMbps">Network demand sent: the bytes it wrote over its runtime (at least 1 s), Mbps.</param>
internal sealed record TraceTask(
    string Id,
    string Component,
    double RuntimeS,
    double CpuCores,
    double MemoryMiB,
    double InputBytes,
    IReadOnlyList<string> Parents,
    double SlotCores,
    double SlotMemoryMiB,
    double ReadMbps = 0,
    double WriteMbps = 0)
{
    /// <summary>The larger direction: what a cap (which holds each direction to it) must give.</summary>
    public double NetworkMbps => Math.Max(ReadMbps, WriteMbps);
}
