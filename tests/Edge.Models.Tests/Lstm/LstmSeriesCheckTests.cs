using Edge.Models.Lstm;

namespace Edge.Models.Tests.Lstm;

public sealed class LstmSeriesCheckTests
{
    [Fact]
    public void Usable_RunSeries_IsReadAsASequenceOfTasksOneSecondApart()
    {
        // Two runs of three tasks (one timestamp per run), as WfInstances gives them: unordered for a regular series.
        var runs = new UsageSeries("wf/step", ResourceKind.Memory, [100, 100, 100, 200, 200, 200], [1, 2, 3, 4, 5, 6]) { SamplesAreRuns = true };
        var regular = runs with { SamplesAreRuns = false };

        var usable = LstmSeriesCheck.Usable([runs, regular]).ToList();

        var only = Assert.Single(usable);
        Assert.Equal([100L, 101, 102, 200, 201, 202], only.TimestampsS);
        Assert.Equal(runs.Values, only.Values);
        Assert.False(only.SamplesAreRuns);
    }

    [Fact]
    public void TaskSequence_RunCloserThanItsTasks_FollowsThePreviousTask()
    {
        var runs = new UsageSeries("wf/step", ResourceKind.Cpu, [100, 100, 100, 101], [1, 1, 1, 1]) { SamplesAreRuns = true };

        Assert.Equal([100L, 101, 102, 103], LstmSeriesCheck.TaskSequence(runs).TimestampsS);
    }
}
