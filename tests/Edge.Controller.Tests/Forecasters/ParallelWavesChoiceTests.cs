using Edge.Controller.Forecasters;
using Edge.Models;
using Edge.Models.Profiling;

namespace Edge.Controller.Tests.Forecasters;

/// <summary>
/// The per-component forecaster choice counts a workflow's parallel tasks (runs that started in the same second) as
/// one run: a component of 40-task waves is not scored on one wave's tasks. The replay's blast-chameleon-small
/// blastall was moved to ets after two waves, which then placed the fourth wave at 471 MiB against peaks of
/// 463–902 MiB (35 of 40 OOM-killed).
/// </summary>
public sealed class ParallelWavesChoiceTests
{
    private const string Component = "blast/blastall";

    [Fact]
    public void ThreeWavesOfFortyTasks_AreThreeRuns_NotEnoughToScore()
    {
        var selection = new ForecasterSelection(new ForecasterChoiceOptions(), TimeProvider.System);
        var runs = Waves(3, 40);
        foreach (var _ in runs)
        {
            selection.RunRecorded(Component);
        }

        Assert.False(selection.Rescore(Component, runs, Candidates(), TestContext.Current.CancellationToken));
        Assert.Null(selection.ChosenName(Component));
        Assert.Empty(selection.Describe(Component, "edge", _ => 1).Candidates);
        Assert.Empty(selection.Due(10)); // due again only after a new run
    }

    [Fact]
    public void WithGroupingOff_TheSameTasksAreScored()
    {
        var selection = new ForecasterSelection(new ForecasterChoiceOptions { GroupParallelRuns = false }, TimeProvider.System);
        var runs = Waves(3, 40);
        foreach (var _ in runs)
        {
            selection.RunRecorded(Component);
        }

        selection.Rescore(Component, runs, Candidates(), TestContext.Current.CancellationToken);
        var described = selection.Describe(Component, "edge", _ => 1);
        Assert.NotNull(described.ScoredAtMs);
        Assert.Equal(3, described.Candidates.Count);
    }

    [Fact]
    public void SixteenWaves_AreScoredOnTheLatestTwelveWaves()
    {
        var selection = new ForecasterSelection(new ForecasterChoiceOptions(), TimeProvider.System);
        var runs = Waves(16, 5);
        foreach (var _ in runs)
        {
            selection.RunRecorded(Component);
        }

        selection.Rescore(Component, runs, Candidates(), TestContext.Current.CancellationToken);
        var described = selection.Describe(Component, "edge", _ => 1);
        Assert.NotNull(described.ScoredAtMs);
        Assert.Equal(12, described.HeldOutRuns);
        Assert.All(described.Candidates, c => Assert.NotNull(c.Cost));
    }

    /// <summary>Waves of tasks that start together: most near 500 MiB, one in forty near 900 MiB.</summary>
    private static List<ComponentRun> Waves(int waves, int tasks)
    {
        var runs = new List<ComponentRun>();
        for (var w = 0; w < waves; w++)
        {
            for (var t = 0; t < tasks; t++)
            {
                var memory = (w * tasks) + t is var i && i % 40 == 7 ? 900 : 450 + (37 * i % 110);
                runs.Add(new ComponentRun(Component, new ComponentContext("blast", "blastall", null, null), 1_700_000_000 + (w * 600), 1.0, memory, 0, 1.0));
            }
        }

        return runs;
    }

    private static List<(string Name, int Version, IRecommender? Recommender)> Candidates()
    {
        var registry = RecommenderRegistry.CreateDefault();
        return [.. new[] { "edge", "ets", "sarima" }.Select(n => (n, 1, registry.Find(n)))];
    }
}
