using Edge.Models.Forecasting;

namespace Edge.Models.Tests.Forecasting;

public sealed class RunWeightingTests
{
    [Fact]
    public void CheapestLimit_UnitWeights_EqualsTheUnweightedLimit()
    {
        double[] sorted = [0.8, 1.0, 1.1, 1.5, 3.0];

        Assert.Equal(EdgeState.CheapestLimit(sorted, 2, 1), RunWeighting.CheapestLimit(sorted, [1, 1, 1, 1, 1], 2, 1));
    }

    [Fact]
    public void CheapestLimit_FourTasksOfOneRunAndOneOfAnother_WeighsTheRunsEqually()
    {
        // Scores 1,1,1,1 (one run of four tasks, 1/4 each) and 3 (a run of one task, weight 1); W = 2, scale 1, λ = 3.
        // s = 1: idle 0, above 1/2 of the weight -> 1.5. s = 3: idle (4 · 1/4 · 2) / 2 = 1, above 0 -> 1. So 3.
        // Counting tasks instead: s = 1 costs 3 · 1/5 = 0.6, s = 3 costs 8/5 = 1.6, so 1.
        double[] sorted = [1, 1, 1, 1, 3];

        Assert.Equal(3, RunWeighting.CheapestLimit(sorted, [0.25, 0.25, 0.25, 0.25, 1], 1, 3));
        Assert.Equal(1, EdgeState.CheapestLimit(sorted, 1, 3));
    }

    [Fact]
    public void EdgeRuns_AfterALevelShiftThatHolds_LimitCoversTheNewLevelWithoutKeepingTheJumpAsMargin()
    {
        // blastall's shape in WfInstances: 40-task runs at about 480 MiB, then 100-task runs at about 1090 MiB.
        var runs = RecommenderRegistry.CreateDefault().Find("edge-runs")!.CreateState(ResourceKind.Memory, 2);
        var random = new Random(5);
        long t = 1_700_000_000;
        foreach (var level in new[] { 480.0, 480, 480, 480, 480, 1090, 1090, 1090 })
        {
            var tasks = level > 1000 ? 100 : 40;
            for (var i = 0; i < tasks; i++)
            {
                var peak = level * (0.97 + (0.06 * random.NextDouble()));
                runs.ObserveRun(t, peak);
            }

            t += 3600;
        }

        var limit = runs.Recommend(t, 3600).Limit;

        // Above every peak of the new level (at most 1090 x 1.03), and not the jump's ratio (about 2.3) again on top.
        Assert.InRange(limit, 1090 * 1.03, 1090 * 1.25);
    }
}
