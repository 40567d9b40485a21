using Edge.Common.Contracts;

namespace Edge.Benchmarks.Replay;

/// <summary>One arm's figures over a set of runs, in trace time: hours of cores and GiB reserved and used, and so on.</summary>
internal sealed record ArmSummary(
    string Arm,
    int Runs,
    int FailedRuns,
    int Unfinished,
    int Instances,
    int Steps,
    int OomKills,
    int Resizes,
    double ReservedCoreH,
    double UsedCoreH,
    double ReservedGiBH,
    double UsedGiBH,
    double ThrottledH,
    double MeanMakespanH,
    double TraceMakespanH,
    double ReservedMbpsH = 0,
    double UsedMbpsH = 0,
    double NetworkCappedH = 0)
{
    public double NetworkUtilisation => ReservedMbpsH > 0 ? UsedMbpsH / ReservedMbpsH : 0;

    public double CpuUtilisation => ReservedCoreH > 0 ? UsedCoreH / ReservedCoreH : 0;
    public double MemoryUtilisation => ReservedGiBH > 0 ? UsedGiBH / ReservedGiBH : 0;

    /// <summary>What the reservations cost at the simulated nodes' on-demand prices.</summary>
    public double Cost => (ReservedCoreH * SimulatedNode.Pricing.CostPerCoreHour) + (ReservedGiBH * SimulatedNode.Pricing.CostPerGiBHour);

    public static ArmSummary Of(string arm, IReadOnlyList<RunResult> runs)
    {
        var finished = runs.Where(r => r.MakespanS is not null).ToList();
        return new ArmSummary(
            arm,
            runs.Count,
            runs.Count(r => r.State != WorkflowStepState.Succeeded),
            runs.Count - finished.Count,
            runs.Sum(r => r.Tally.Instances),
            runs.Sum(r => r.Arrival.Workflow.Tasks.Count),
            runs.Sum(r => r.Tally.OomKills),
            runs.Sum(r => r.Tally.Resizes),
            runs.Sum(r => r.Tally.ReservedCoreS) / 3600,
            runs.Sum(r => r.Tally.UsedCoreS) / 3600,
            runs.Sum(r => r.Tally.ReservedMiBS) / 1024 / 3600,
            runs.Sum(r => r.Tally.UsedMiBS) / 1024 / 3600,
            runs.Sum(r => r.Tally.ThrottledS) / 3600,
            finished.Count > 0 ? finished.Average(r => r.MakespanS!.Value) / 3600 : double.NaN,
            runs.Average(r => r.Arrival.Workflow.MakespanS) / 3600,
            runs.Sum(r => r.Tally.ReservedMbpsS) / 3600,
            runs.Sum(r => r.Tally.UsedMbpsS) / 3600,
            runs.Sum(r => r.Tally.NetworkCappedS) / 3600);
    }
}
