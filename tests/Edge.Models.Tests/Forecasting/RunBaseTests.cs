using Edge.Models.Forecasting;

namespace Edge.Models.Tests.Forecasting;

/// <summary>
/// <see cref="EdgeOptions.RunBaseMinRuns"/>: the run-series base over the latest runs when the last group is small.
/// In the controller a wave of steps is learned as its steps finish, so a wave still running is represented by its
/// first finisher, often its smallest run (the replay's fasterq-dump: a 21 MiB run of a wave that peaked at 388 MiB).
/// </summary>
public sealed class RunBaseTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void Memory_AfterWavesAndOneSmallFirstFinisher_StaysNearTheWavesOnlyWithTheRecentRunsBase(int minRuns)
    {
        var recommender = new EdgeModel().CreateRecommender(0.02, minRuns);
        var state = recommender.CreateState(ResourceKind.Memory, recommender.DefaultKnob);
        var random = new Random(7);
        long t = 1_700_000_000;
        for (var wave = 0; wave < 4; wave++)
        {
            for (var i = 0; i < 10; i++)
            {
                state.ObserveRun(t, 150 + (240 * random.NextDouble()));
            }

            t += 60;
        }

        // The next wave's first (and so far only) finished run.
        state.ObserveRun(t, 21);
        var limit = state.Recommend(t + 5, 3600).Limit;

        if (minRuns == 1)
        {
            Assert.True(limit < 150, $"limit {limit:0} MiB: the last group alone sets the base");
        }
        else
        {
            Assert.True(limit >= 250, $"limit {limit:0} MiB");
        }
    }
}
