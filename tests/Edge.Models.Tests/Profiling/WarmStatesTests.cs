using Edge.Models.Profiling;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Models.Tests.Profiling;

/// <summary>The profiler's warm forecaster states: reuse, invalidation on changed history or forecaster, bounded size.</summary>
public sealed class WarmStatesTests
{
    private const long T0 = 1_700_000_000;
    private static readonly ComponentContext Context = new(StepName: "transform");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_100_000));

    [Fact]
    public void Predict_AfterANewRun_UpdatesTheWarmStatesAsASequentialReplayDoes()
    {
        var profiler = Profiler();
        var runs = Runs("a", 31);
        foreach (var run in runs.Take(30))
        {
            profiler.Record(run);
        }

        profiler.Predict("a", Context);
        profiler.Record(runs[30]);
        var warm = profiler.Predict("a", Context);

        Assert.Equal((1L, 1L), profiler.PredictionCounts);
        // The reference: fresh states fed the first 30 runs, a decision, the 31st run, a decision.
        var decisionS = _time.GetUtcNow().ToUnixTimeSeconds();
        var edge = RecommenderRegistry.CreateDefault().Find("edge")!;
        var state = edge.CreateState(ResourceKind.Memory, edge.DefaultKnob);
        foreach (var run in runs.Take(30))
        {
            state.ObserveRun(run.StartedAtS, run.MemoryMiB);
        }

        state.Recommend(decisionS, 3600);
        state.ObserveRun(runs[30].StartedAtS, runs[30].MemoryMiB);
        var expected = ComponentProfiler.Bounded(state.Recommend(decisionS, 3600), runs.Max(r => r.MemoryMiB));
        Assert.Equal(expected.Limit, warm.Memory, 9);
        Assert.Equal(expected.Upper, warm.ConfidenceInterval.Memory.Upper, 9);
    }

    [Fact]
    public void Predict_CacheDroppedWithoutANewRun_ReusesTheLastDecision()
    {
        var profiler = Profiler();
        RecordAll(profiler, Runs("a", 20));
        var first = profiler.Predict("a", Context);

        profiler.InvalidateAll();
        var again = profiler.Predict("a", Context);

        Assert.NotSame(first, again);
        Assert.Equal((1L, 1L), profiler.PredictionCounts);
        Assert.Equal(first.Memory, again.Memory);
        Assert.Equal(first.Cpu, again.Cpu);
        Assert.Equal(first.ConfidenceInterval, again.ConfidenceInterval);
    }

    [Fact]
    public void Record_RunOlderThanTheLastOne_ReplaysInsteadOfUpdating()
    {
        var profiler = Profiler();
        var runs = Runs("a", 21);
        RecordAll(profiler, runs.Where((_, i) => i != 10));
        profiler.Predict("a", Context);

        profiler.Record(runs[10]);
        var replayed = profiler.Predict("a", Context);

        Assert.Equal((0L, 2L), profiler.PredictionCounts);
        Assert.Equal(Cold(runs).Memory, replayed.Memory, 9);
    }

    [Fact]
    public void Forget_ARun_ReplaysTheRest()
    {
        var profiler = Profiler();
        var runs = Runs("a", 20);
        RecordAll(profiler, runs);
        profiler.Predict("a", Context);

        Assert.True(profiler.Forget(runs[^1]));
        var replayed = profiler.Predict("a", Context);

        Assert.Equal((0L, 2L), profiler.PredictionCounts);
        Assert.Equal(Cold(runs.Take(19)).Memory, replayed.Memory, 9);
    }

    [Fact]
    public void Predict_AnotherForecasterChosen_ReplaysWithIt()
    {
        var profiler = Profiler();
        var registry = RecommenderRegistry.CreateDefault();
        IRecommender? chosen = null;
        profiler.Chooser = _ => chosen is null ? null : new ChosenForecaster(chosen, chosen.DefaultKnob);
        RecordAll(profiler, Runs("a", 20));
        profiler.Predict("a", Context);

        chosen = registry.Find("recent-max")!;
        profiler.Invalidate("a");
        var other = profiler.Predict("a", Context);

        Assert.Equal("recent-max", other.Model);
        Assert.Equal((0L, 2L), profiler.PredictionCounts);
    }

    [Fact]
    public void Predict_WindowedForecaster_ReplaysOnceTwiceItsWindowWasFedWarm()
    {
        var profiler = Profiler();
        var recentMax = RecommenderRegistry.CreateDefault().Find("recent-max")!;
        profiler.Chooser = _ => new ChosenForecaster(recentMax, recentMax.DefaultKnob, MaxRuns: 5);
        var runs = Runs("a", 16);
        RecordAll(profiler, runs.Take(5));
        profiler.Predict("a", Context); // a replay of 5 runs

        for (var i = 5; i < 16; i++)
        {
            profiler.Record(runs[i]);
            profiler.Predict("a", Context);
        }

        // Runs 6..10 are updates (10 fed); the 11th would make 11 > 2 × 5: a replay of the latest 5; runs 12..16 updates.
        Assert.Equal((10L, 2L), profiler.PredictionCounts);
    }

    [Fact]
    public void WarmStates_MoreComponentsThanTheCapacity_KeepsTheMostRecentlyPredicted()
    {
        var profiler = new ComponentProfiler(new ComponentProfilerOptions { WarmStates = 2 }, _time);
        foreach (var id in new[] { "a", "b", "c" })
        {
            RecordAll(profiler, Runs(id, 10));
            profiler.Predict(id, Context);
        }

        Assert.Equal(2, profiler.WarmComponents);
        profiler.InvalidateAll();
        profiler.Predict("c", Context); // warm
        profiler.Predict("a", Context); // evicted: a replay, which evicts b
        profiler.Predict("b", Context); // a replay

        Assert.Equal((1L, 5L), profiler.PredictionCounts);
        Assert.Equal(2, profiler.WarmComponents);
    }

    [Fact]
    public void WarmStates_Zero_EveryPredictionReplays()
    {
        var profiler = new ComponentProfiler(new ComponentProfilerOptions { WarmStates = 0 }, _time);
        var runs = Runs("a", 21);
        RecordAll(profiler, runs.Take(20));
        profiler.Predict("a", Context);
        profiler.Record(runs[20]);
        var replayed = profiler.Predict("a", Context);

        Assert.Equal((0L, 2L), profiler.PredictionCounts);
        Assert.Equal(0, profiler.WarmComponents);
        Assert.Equal(Cold(runs).Memory, replayed.Memory, 9);
    }

    [Fact]
    public void Constructor_NegativeWarmStates_NamesTheValue()
    {
        var error = Assert.Throws<ArgumentException>(() => new ComponentProfiler(new ComponentProfilerOptions { WarmStates = -1 }, _time));

        Assert.Contains("WarmStates must be >= 0, got -1", error.Message, StringComparison.Ordinal);
    }

    private ComponentProfiler Profiler() => new(new ComponentProfilerOptions(), _time);

    /// <summary>The profile of a profiler without warm states (every prediction a replay).</summary>
    private Edge.Common.Contracts.PredictionProfile Cold(IEnumerable<ComponentRun> runs)
    {
        var profiler = new ComponentProfiler(new ComponentProfilerOptions { WarmStates = 0 }, _time);
        RecordAll(profiler, runs);
        return profiler.Predict(runs.First().ComponentId, Context);
    }

    private static void RecordAll(ComponentProfiler profiler, IEnumerable<ComponentRun> runs)
    {
        foreach (var run in runs)
        {
            profiler.Record(run);
        }
    }

    private static List<ComponentRun> Runs(string id, int count)
    {
        var random = new Random(id.Length + count);
        return [.. Enumerable.Range(0, count).Select(i => new ComponentRun(
            id, Context, T0 + (i * 600), 0.5 + (0.1 * random.NextDouble()), 500 + (80 * random.NextDouble()), 10 + random.NextDouble(), 60))];
    }
}
